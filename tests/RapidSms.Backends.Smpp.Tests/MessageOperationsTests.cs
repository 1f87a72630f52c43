using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>query_sm, cancel_sm and replace_sm for a message sent through the backend, by its SMSC id.</summary>
public sealed class MessageOperationsTests
{
    private const string Phone = "+256700000001";

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    private static async Task<string> SendAsync(SmppTestHost host, string text, CancellationToken cancellationToken)
    {
        var result = await host.Router.SendAsync(text, host.To(Phone), cancellationToken);
        result.Succeeded.Should().BeTrue(string.Join(";", result.Failures.Select(f => f.Error)));
        return result.Recipients.Single().BackendMessageId!;
    }

    [Fact]
    public async Task Query_Simulator_ReportsTheStateTheNetworkGaveTheMessage()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, o => o.SourceAddress = "RapidSMS");
        using var timeout = Timeout();
        var id = await SendAsync(host, "where is it", timeout.Token);

        var enroute = await host.Backend.QueryAsync(id, cancellationToken: timeout.Token);
        smsc.SetMessageState(id, 2).Should().BeTrue();
        var delivered = await host.Backend.QueryAsync(id, cancellationToken: timeout.Token);

        enroute.Should().Be(new SmppQueryResult(id, 1, DeliveryStatus.Sent, false, "", 0));
        delivered.MessageState.Should().Be(2);
        delivered.Status.Should().Be(DeliveryStatus.Delivered);
        delivered.IsFinal.Should().BeTrue();
        delivered.FinalDate.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Query_UnknownId_ThrowsWithTheSmscStatus()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);

        var query = () => host.Backend.QueryAsync("no-such-id", cancellationToken: timeout.Token);

        (await query.Should().ThrowAsync<SmppException>()).Which.Status.Should().Be(SmppCommandStatus.QueryFailed);
        host.Backend.IsBound.Should().BeTrue("an error answer does not break the link");
    }

    [Fact]
    public async Task Cancel_Simulator_DeletesAPendingMessageAndRefusesADeliveredOne()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        using var timeout = Timeout();
        var pending = await SendAsync(host, "cancel me", timeout.Token);
        var delivered = await SendAsync(host, "too late", timeout.Token);
        smsc.SetMessageState(delivered, 2);

        await host.Backend.CancelAsync(pending, Phone, cancellationToken: timeout.Token);
        var late = () => host.Backend.CancelAsync(delivered, Phone, cancellationToken: timeout.Token);

        smsc.GetMessageState(pending).Should().Be(4);
        (await late.Should().ThrowAsync<SmppException>()).Which.Status.Should().Be(SmppCommandStatus.CancelFailed);
        (await host.Backend.QueryAsync(pending, cancellationToken: timeout.Token)).MessageState.Should().Be(4);
    }

    [Theory]
    [InlineData(SmppTextEncoding.Auto, "new text {with} GSM extension €")]
    [InlineData(SmppTextEncoding.Ucs2, "Habari mpya 👋")]
    public async Task Replace_Simulator_SmscHasTheNewText(SmppTextEncoding encoding, string text)
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, o => o.Encoding = encoding);
        using var timeout = Timeout();
        var id = await SendAsync(host, "old text", timeout.Token);

        await host.Backend.ReplaceAsync(id, text, cancellationToken: timeout.Token);

        smsc.GetReplacementText(id).Should().Be(text);
    }

    [Fact]
    public async Task Replace_TextNeedingTwoParts_RefusedBeforeAnythingIsSent()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        using var timeout = Timeout();
        var id = await SendAsync(host, "short", timeout.Token);

        var replace = () => host.Backend.ReplaceAsync(id, new string('x', 200), cancellationToken: timeout.Token);

        await replace.Should().ThrowAsync<ArgumentException>();
        smsc.GetReplacementText(id).Should().BeNull();
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task QueryCancelReplace_NodeServer_AnswersEach()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.SourceAddress = "RapidSMS");
        using var timeout = Timeout();
        var first = await SendAsync(host, "first", timeout.Token);
        var second = await SendAsync(host, "second", timeout.Token);

        var state = await host.Backend.QueryAsync(first, cancellationToken: timeout.Token);
        await host.Backend.ReplaceAsync(first, "first, corrected", cancellationToken: timeout.Token);
        await host.Backend.CancelAsync(second, Phone, cancellationToken: timeout.Token);
        var cancelled = await host.Backend.QueryAsync(second, cancellationToken: timeout.Token);
        var again = () => host.Backend.CancelAsync(second, Phone, cancellationToken: timeout.Token);

        state.MessageState.Should().Be(1);
        state.Status.Should().Be(DeliveryStatus.Sent);
        var query = (await smsc.WaitForEventAsync("query_sm", 1, timeout.Token))[0];
        query.GetProperty("message_id").GetString().Should().Be(first);
        query.GetProperty("source_addr").GetString().Should().Be("RapidSMS");
        var replace = (await smsc.WaitForEventAsync("replace_sm", 1, timeout.Token))[0];
        replace.GetProperty("ok").GetBoolean().Should().BeTrue();
        var raw = Convert.FromHexString(replace.GetProperty("short_message").GetProperty("raw").GetString()!);
        GsmAlphabet.Decode(raw).Should().Be("first, corrected");
        cancelled.MessageState.Should().Be(4);
        (await again.Should().ThrowAsync<SmppException>()).Which.Status.Should().Be(SmppCommandStatus.CancelFailed);
    }
}
