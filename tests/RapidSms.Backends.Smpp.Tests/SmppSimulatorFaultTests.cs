using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The backend against the SMSC simulator's fault switches.</summary>
public sealed class SmppSimulatorFaultTests
{
    private const string Phone = "+256700000001";

    private static CancellationTokenSource Timeout(int seconds = 30) => new(TimeSpan.FromSeconds(seconds));

    private static async Task<(SmppSimulator Smsc, SmppTestHost Host)> StartAsync(SmppSimulatorOptions? simulator = null, Action<SmppOptions>? configure = null)
    {
        var smsc = SmppSimulator.Start(simulator);
        var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, configure);
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);
        return (smsc, host);
    }

    [Fact]
    public async Task StallResponses_RequestTimesOut_PartIsResentAndSucceedsOnceTheSmscAnswers()
    {
        var (smsc, host) = await StartAsync(configure: o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 50;
        });
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.StallResponses = true;

        var sending = host.Router.SendAsync("stalled", host.To(Phone), timeout.Token).AsTask();
        await smsc.WaitForSubmissionsAsync(2, timeout.Token);
        sending.IsCompleted.Should().BeFalse();
        smsc.StallResponses = false;

        (await sending).Succeeded.Should().BeTrue();
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5016, "the timed-out part was resent");
    }

    [Fact]
    public async Task Window_ResponsesStalled_NoMoreThanWindowSizeOutstanding()
    {
        var (smsc, host) = await StartAsync(configure: o => o.WindowSize = 3);
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.StallResponses = true;

        var sends = Enumerable.Range(0, 10).Select(i => host.Router.SendAsync($"w{i}", host.To(Phone), timeout.Token).AsTask()).ToList();
        await smsc.WaitForSubmissionsAsync(3, timeout.Token);
        await Task.Delay(200, timeout.Token);
        smsc.Submissions.Should().HaveCount(3, "the window holds 3 outstanding requests");
        smsc.StallResponses = false;

        (await Task.WhenAll(sends)).Should().OnlyContain(r => r.Succeeded);
        smsc.Submissions.Should().HaveCount(10);
    }

    [Fact]
    public async Task Send_ManyRecipients_SharesTheWindowAndReportsEachRecipient()
    {
        var (smsc, host) = await StartAsync(configure: o => o.WindowSize = 4);
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.StallResponses = true;
        var recipients = Enumerable.Range(1, 8).Select(i => host.To($"+2567000000{i:D2}")).ToArray();

        var sending = host.Router.SendOutgoingAsync(new OutgoingMessage(recipients, "to everyone"), timeout.Token).AsTask();
        await smsc.WaitForSubmissionsAsync(4, timeout.Token);
        smsc.StallResponses = false;
        var result = await sending;

        result.Succeeded.Should().BeTrue();
        result.Recipients.Select(r => r.Identity).Should().Equal(recipients.Select(r => r.Identity));
        result.Recipients.Select(r => r.BackendMessageId).Should().OnlyHaveUniqueItems();
        smsc.Messages.Select(m => m.To).Should().BeEquivalentTo(recipients.Select(r => r.Identity));
    }

    [Fact]
    public async Task ThrottleNext_AnsweredThrottled_BindPausesAndOrderIsKept()
    {
        var (smsc, host) = await StartAsync(configure: o => o.ThrottlePause = TimeSpan.FromMilliseconds(100));
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.ThrottleNext(2, SmppCommandStatus.MessageQueueFull);

        for (var i = 0; i < 4; i++)
        {
            (await host.Router.SendAsync($"t{i}", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
        }

        smsc.Messages.Select(m => m.Text).Should().Equal("t0", "t1", "t2", "t3");
        host.Logs.Records.Count(r => r.EventId.Id == 5014).Should().Be(2);
    }

    [Fact]
    public async Task FailNext_PermanentStatus_FailsWithStatusAndReportsRejected()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.FailNext(1, SmppCommandStatus.InvalidDestinationAddress);
        var message = new OutgoingMessage(host.To(Phone), "to nowhere");

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Which;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("InvalidDestinationAddress");
        var report = (await host.App.WaitForReportsAsync(1, timeout.Token)).Single();
        report.MessageId.Should().Be(message.Id);
        report.Status.Should().Be(DeliveryStatus.Rejected);
        report.ErrorCode.Should().Be("0x0000000B");
    }

    [Fact]
    public async Task FailNext_TemporaryStatus_RetriedAndSucceeds()
    {
        var (smsc, host) = await StartAsync(configure: o => o.ThrottlePause = TimeSpan.FromMilliseconds(20));
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.FailNext(2, SmppCommandStatus.SystemError);

        (await host.Router.SendAsync("try again", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();

        smsc.Messages.Should().ContainSingle().Which.Text.Should().Be("try again");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task AutoReceipts_EvenBeforeSubmitResponse_CorrelatedToMessage(bool receiptsFirst, bool hexIds)
    {
        var (smsc, host) = await StartAsync(new SmppSimulatorOptions { AutoReceipts = true, HexMessageIds = hexIds });
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.ReceiptsBeforeResponses = receiptsFirst;
        var messages = Enumerable.Range(0, 5).Select(i => new OutgoingMessage(host.To(Phone), $"r{i}")).ToList();

        foreach (var message in messages)
        {
            (await host.Router.SendOutgoingAsync(message, timeout.Token)).Succeeded.Should().BeTrue();
        }

        var reports = await host.App.WaitForReportsAsync(5, timeout.Token);
        reports.Select(r => r.MessageId).Should().BeEquivalentTo(messages.Select(m => m.Id));
        reports.Should().OnlyContain(r => r.Status == DeliveryStatus.Delivered && r.Identity == Phone);
    }

    [Fact]
    public async Task SendMalformedPdu_BackendAnswersGenericNackAndKeepsTheSession()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();

        var nack = smsc.WaitForGenericNackAsync(timeout.Token);
        smsc.SendMalformedPdu();

        (await nack).Should().Be(SmppCommandStatus.InvalidCommandLength);
        (await host.Router.SendAsync("still here", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
        smsc.BindCount.Should().Be(1);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5010);
    }

    [Fact]
    public async Task DropConnections_BackendReconnectsAndSendsAgain()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();

        smsc.DropConnections();
        await smsc.WaitForBindsAsync(2, timeout.Token);

        (await host.Router.SendAsync("after the drop", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5003);
    }

    [Fact]
    public async Task SmscEnquireLinkAndUnbind_AnsweredAutomatically_LinkComesBack()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();

        (await smsc.SendRequestAsync(new SmppPdu(SmppCommandId.EnquireLink), timeout.Token)).Should().Be(SmppCommandStatus.Ok);
        (await smsc.SendRequestAsync(new SmppPdu(SmppCommandId.Unbind), timeout.Token)).Should().Be(SmppCommandStatus.Ok);

        await smsc.WaitForBindsAsync(2, timeout.Token);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5007);
        (await host.Router.SendAsync("after the SMSC unbound", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task IgnoreEnquireLink_DeadLinkDetectedAndReplaced()
    {
        var (smsc, host) = await StartAsync(configure: o =>
        {
            o.EnquireLinkInterval = TimeSpan.FromMilliseconds(200);
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();

        smsc.IgnoreEnquireLink = true;
        while (!host.Logs.Records.Any(r => r.EventId.Id == 5008))
        {
            await Task.Delay(20, timeout.Token);
        }

        smsc.IgnoreEnquireLink = false;
        await smsc.WaitForBindsAsync(2, timeout.Token);
    }

    [Fact]
    public async Task StallResponses_WhileSending_LinkProbedAndReplacedAndMessageStillSent()
    {
        var (smsc, host) = await StartAsync(configure: o =>
        {
            o.EnquireLinkInterval = TimeSpan.FromMilliseconds(300);
            o.RequestTimeout = TimeSpan.FromMilliseconds(400);
            o.MaxRetries = 20;
        });
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        smsc.StallResponses = true;
        smsc.IgnoreEnquireLink = true;

        var sending = host.Router.SendAsync("through a stalled link", host.To(Phone), timeout.Token).AsTask();
        while (!host.Logs.Records.Any(r => r.EventId.Id == 5008))
        {
            await Task.Delay(20, timeout.Token);
        }

        smsc.IgnoreEnquireLink = false;
        smsc.StallResponses = false;
        (await sending).Succeeded.Should().BeTrue();
        smsc.BindCount.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Bind_WrongPassword_LogsAndKeepsRetryingWithoutCrashing()
    {
        await using var smsc = SmppSimulator.Start(new SmppSimulatorOptions { SystemId = "rapidsms", Password = "right" });
        await using var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        using var timeout = Timeout();

        while (host.Logs.Records.Count(r => r.EventId.Id == 5002) < 2)
        {
            await Task.Delay(20, timeout.Token);
        }

        host.Backend.IsBound.Should().BeFalse();
        host.Logs.Records.Where(r => r.EventId.Id == 5002).Should().OnlyContain(r => r.Message.Contains("InvalidPassword", StringComparison.Ordinal));
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Receive_LongMessageFromSimulator_ReassembledAndAnswered()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        var text = string.Concat(Enumerable.Repeat("Mvua itanyesha kesho asubuhi. ", 12));

        (await smsc.SendMessageAsync(Phone, "8888", text, timeout.Token)).Should().Be(SmppCommandStatus.Ok);

        var message = (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single();
        message.Text.Should().Be(text);
        message.Fields[SmppFields.Parts].Should().Be(3);
    }

    [Fact]
    public async Task Receive_PartMissing_DeliveredIncompleteAfterReassemblyTimeout()
    {
        var (smsc, host) = await StartAsync(configure: o => o.ReassemblyTimeout = TimeSpan.FromMilliseconds(300));
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        var part = new SmppPdu(SmppCommandId.DeliverSm)
        {
            Source = new SmppAddress(1, 1, "256700000001"),
            Destination = new SmppAddress(0, 1, "8888"),
            EsmClass = 0x40,
            ShortMessage = (byte[])[5, 0, 3, 9, 2, 1, .. "only half"u8.ToArray()],
        };

        (await smsc.SendRequestAsync(part, timeout.Token)).Should().Be(SmppCommandStatus.Ok);

        var message = (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single();
        message.Text.Should().Be("only half");
        message.Fields[SmppFields.Incomplete].Should().Be(true);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5019);
    }

    [Fact]
    public async Task Receive_SmscWaitsForEachPartsAnswer_PartsAnsweredAfterPartAnswerTimeoutAndMessageArrivesWhole()
    {
        var (smsc, host) = await StartAsync(configure: o =>
        {
            o.ReassemblyTimeout = TimeSpan.FromMinutes(5);
            o.PartAnswerTimeout = TimeSpan.FromMilliseconds(100);
        });
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        SmppPdu Part(byte sequence, string text) => new(SmppCommandId.DeliverSm)
        {
            Source = new SmppAddress(1, 1, "256700000001"),
            Destination = new SmppAddress(0, 1, "8888"),
            EsmClass = 0x40,
            ShortMessage = (byte[])[5, 0, 3, 42, 3, sequence, .. System.Text.Encoding.ASCII.GetBytes(text)],
        };

        // An SMSC with a window of one: each part only after the previous one was answered.
        (await smsc.SendRequestAsync(Part(1, "one, "), timeout.Token)).Should().Be(SmppCommandStatus.Ok);
        (await smsc.SendRequestAsync(Part(2, "two, "), timeout.Token)).Should().Be(SmppCommandStatus.Ok);
        host.App.Received.Should().BeEmpty("the message is not complete yet");
        (await smsc.SendRequestAsync(Part(3, "three"), timeout.Token)).Should().Be(SmppCommandStatus.Ok);

        var message = (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single();
        message.Text.Should().Be("one, two, three");
        message.Fields.Should().NotContainKey(SmppFields.Incomplete);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5026);
    }

    [Fact]
    public async Task Receive_NoSourceAddress_RefusedWithStatusAndLogged()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        var pdu = new SmppPdu(SmppCommandId.DeliverSm) { Destination = new SmppAddress(0, 1, "8888"), ShortMessage = "anonymous"u8.ToArray() };

        (await smsc.SendRequestAsync(pdu, timeout.Token)).Should().Be(SmppCommandStatus.InvalidSourceAddress);

        host.App.Received.Should().BeEmpty();
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5017);
    }

    [Fact]
    public async Task Receive_DataSm_DeliveredAndAnswered()
    {
        var (smsc, host) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        var pdu = new SmppPdu(SmppCommandId.DataSm) { Source = new SmppAddress(1, 1, "256700000001"), Destination = new SmppAddress(0, 1, "8888"), DataCoding = SmppText.DataCodingLatin1 };
        pdu.Tlvs.Add(new SmppTlv(SmppTlvTag.MessagePayload, "via data_sm"u8.ToArray()));

        (await smsc.SendRequestAsync(pdu, timeout.Token)).Should().Be(SmppCommandStatus.Ok);

        (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single().Text.Should().Be("via data_sm");
    }

    [Fact]
    public async Task Gsm7Packed_BothWays_LongTextRoundTrips()
    {
        var (smsc, host) = await StartAsync(new SmppSimulatorOptions { Gsm7Packed = true }, o => o.Gsm7Packed = true);
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();
        var text = string.Concat(Enumerable.Repeat("Packed {septets} €1 ", 12));

        (await host.Router.SendAsync(text, host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();

        var message = (await smsc.WaitForMessagesAsync(1, timeout.Token)).Single();
        message.Text.Should().Be(text);
        message.Parts.Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public async Task MaxSubmitsPerSecond_Limited_StillSendsEverything()
    {
        var (smsc, host) = await StartAsync(configure: o => o.MaxSubmitsPerSecond = 500);
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => host.Router.SendAsync($"limited {i}", host.To(Phone), timeout.Token).AsTask()));

        results.Should().OnlyContain(r => r.Succeeded);
        smsc.SubmitCount.Should().Be(50);
    }

    [Fact]
    public async Task TenThousandMessages_ThroughTheWindow_NoneLost()
    {
        var (smsc, host) = await StartAsync(new SmppSimulatorOptions { AutoReceipts = true }, o => o.WindowSize = 50);
        await using var _ = smsc;
        await using var __ = host;
        using var timeout = Timeout(120);
        const int count = 10_000;

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = timeout.Token }, async (i, ct) =>
            (await host.Router.SendAsync($"n{i}", host.To(Phone), ct)).Succeeded.Should().BeTrue());

        smsc.Messages.Select(m => m.Text).Distinct().Should().HaveCount(count);
        var reports = await host.App.WaitForReportsAsync(count, timeout.Token);
        reports.Should().OnlyContain(r => r.Status == DeliveryStatus.Delivered && r.MessageId != null);
    }
}
