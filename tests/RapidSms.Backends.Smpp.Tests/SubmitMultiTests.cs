using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>UseSubmitMulti: one PDU for several recipients, with per-recipient results from the unsuccess list.</summary>
public sealed class SubmitMultiTests
{
    private static readonly string[] Phones = ["+256700000001", "+256700000002", "+256700000003"];

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    private static OutgoingMessage To(string text, params string[] phones) =>
        new(phones.Select(p => new Connection(SmppTestHost.BackendName, p)).ToArray(), text);

    [Fact]
    public async Task Send_SeveralRecipients_OneSubmitMultiWithPerRecipientResultsAndReceipts()
    {
        await using var smsc = SmppSimulator.Start(new SmppSimulatorOptions { AutoReceipts = true });
        smsc.FailDestination("256700000003", SmppCommandStatus.InvalidDestinationAddress);
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, o => o.UseSubmitMulti = true);
        using var timeout = Timeout();
        var message = To("one PDU, three recipients", Phones);

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        result.Recipients.Select(r => r.Identity).Should().Equal(Phones);
        result.Recipients.Take(2).Should().OnlyContain(r => r.Succeeded);
        var id = result.Recipients[0].BackendMessageId;
        result.Recipients[1].BackendMessageId.Should().Be(id, "submit_multi gives one id to all its recipients");
        var failed = result.Recipients[2];
        failed.Succeeded.Should().BeFalse();
        failed.Error.Should().Contain("InvalidDestinationAddress");
        var submissions = smsc.Submissions;
        submissions.Select(s => s.To).Should().Equal(Phones[0], Phones[1]);
        submissions.Should().OnlyContain(s => s.MessageId == id && s.Text == "one PDU, three recipients");

        var reports = await host.App.WaitForReportsAsync(3, timeout.Token);
        reports.Should().OnlyContain(r => r.MessageId == message.Id);
        reports.Where(r => r.Status == DeliveryStatus.Delivered).Select(r => r.Identity).Should().BeEquivalentTo(Phones[0], Phones[1]);
        reports.Single(r => r.Identity == Phones[2]).Status.Should().Be(DeliveryStatus.Rejected);
    }

    [Fact]
    public async Task Send_LongMessageWithSubmitMulti_FallsBackToSubmitSmPerRecipient()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, o => o.UseSubmitMulti = true);
        using var timeout = Timeout();
        var text = new string('m', 200);

        var result = await host.Router.SendOutgoingAsync(To(text, Phones[0], Phones[1]), timeout.Token);

        result.Succeeded.Should().BeTrue();
        var messages = await smsc.WaitForMessagesAsync(2, timeout.Token);
        messages.Select(m => m.To).Should().BeEquivalentTo(Phones[0], Phones[1]);
        messages.Should().OnlyContain(m => m.Text == text && m.Parts.Count == 2);
        smsc.Submissions.Select(s => s.MessageId).Should().OnlyHaveUniqueItems("each part went as its own submit_sm");
    }

    [Fact]
    public async Task Send_SubmitMultiThrottled_ResentAndEveryRecipientSucceeds()
    {
        await using var smsc = SmppSimulator.Start();
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, o =>
        {
            o.UseSubmitMulti = true;
            o.ThrottlePause = TimeSpan.FromMilliseconds(50);
        });
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);
        smsc.ThrottleNext(1);

        var result = await host.Router.SendOutgoingAsync(To("after a pause", Phones[0], Phones[1]), timeout.Token);

        result.Succeeded.Should().BeTrue();
        smsc.Submissions.Select(s => s.To).Should().Equal(Phones[0], Phones[1]);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_NodeServer_SubmitMultiWithOneUnsuccessfulRecipientAndCorrelatedReceipts()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.UseSubmitMulti = true);
        using var timeout = Timeout();
        await smsc.SendAsync(new { cmd = "fail_destination", address = "256700000002", status = 0x0B });
        await host.WaitForBindAsync(timeout.Token);
        var message = To("hello everyone", Phones[0], Phones[1]);

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        result.Recipients[0].Succeeded.Should().BeTrue();
        result.Recipients[1].Succeeded.Should().BeFalse();
        result.Recipients[1].Error.Should().Contain("0x0B");
        var multi = (await smsc.WaitForEventAsync("submit_multi", 1, timeout.Token)).Single();
        multi.GetProperty("destinations").EnumerateArray().Select(d => d.GetString()).Should().Equal("256700000001", "256700000002");
        multi.GetProperty("short_message").GetProperty("message").GetString().Should().Be("hello everyone");
        var id = multi.GetProperty("message_id").GetString()!;
        result.Recipients[0].BackendMessageId.Should().Be(id);

        (await smsc.ReceiptAsync(id, Phones[0], "DELIVRD", false, timeout.Token)).Should().Be(0);
        var reports = await host.App.WaitForReportsAsync(2, timeout.Token);
        var delivered = reports.Single(r => r.Status == DeliveryStatus.Delivered);
        delivered.Identity.Should().Be(Phones[0]);
        delivered.MessageId.Should().Be(message.Id);
        reports.Single(r => r.Identity == Phones[1]).Status.Should().Be(DeliveryStatus.Rejected);
    }
}
