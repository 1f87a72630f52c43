using Microsoft.Extensions.Logging;
using RapidSms.Backends.Gsm.Protocol;
using RapidSms.Testing.Gsm;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>The backend in a real host against the simulator over TCP and over socat pseudo-terminals.</summary>
public sealed class GsmBackendTests
{
    private const string Sender = "+256700000001";

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    /// <summary>Starts a host with one GSM backend, "modem", on <paramref name="link"/>, with <paramref name="configure"/> applied after the link's settings.</summary>
    private static Task<GsmHost> StartModemAsync(ModemLink link, Action<GsmOptions>? configure = null, RecordingApp? app = null) =>
        GsmHost.StartAsync(r => r.AddBackend("modem", b => b.UseGsm(o =>
        {
            link.Configure(o);
            configure?.Invoke(o);
        })), app: app);

    [PeerFact(SocatPair.Install, "socat")]
    public async Task Pty_IncomingEcho_RoutedRepliedAndDeletedAfterRouting()
    {
        using var timeout = Timeout();
        await using var link = await ModemLink.PtyAsync();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);

        var indexes = await link.Simulator.DeliverAsync(Sender, "echo hello over a serial line", cancellationToken: timeout.Token);
        var sent = await link.Simulator.WaitForSentAsync(1, timeout.Token);

        sent[0].Recipient.Should().Be(Sender);
        sent[0].Text.Should().Be("hello over a serial line");
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(indexes[0]), timeout.Token);
        host.App.Received.Should().ContainSingle().Which.Connection.Should().Be(new Connection("modem", Sender));
        link.Simulator.Commands.Should().Contain("ATE0").And.Contain("AT+CMGF=0").And.Contain("AT+CNMI=2,1,0,2,0");
    }

    [PeerFact(SocatPair.Install, "socat")]
    public async Task Pty_LongUnicodeBothWays_ReassembledOnBothSides()
    {
        using var timeout = Timeout();
        await using var link = await ModemLink.PtyAsync();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var text = string.Concat(Enumerable.Repeat("Habari 👋 ça va? ", 12));

        await link.Simulator.DeliverAsync(Sender, "echo " + text, cancellationToken: timeout.Token);
        var sent = await link.Simulator.WaitForSentAsync(1, timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("echo " + text);
        sent[0].Text.Should().Be(text);
        sent[0].Parts.Should().BeGreaterThan(1);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);
    }

    [Fact]
    public async Task Tcp_MessagesStoredWhileOffline_SweptAtStartAndDeleted()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        link.Simulator.NotifyIncoming = false;
        await link.Simulator.DeliverAsync(Sender, "stored while nobody listened", cancellationToken: timeout.Token);
        await link.Simulator.DeliverAsync("+256700000002", "me too, and I am long: " + new string('x', 200), cancellationToken: timeout.Token);

        await using var host = await StartModemAsync(link);
        await host.App.WaitForReceivedAsync(2, timeout.Token);

        host.App.Received.Select(m => m.Text).Should().Contain("stored while nobody listened");
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);
    }

    [Fact]
    public async Task Tcp_MessagesStoredOnSimAndInModemMemoryWhileOffline_SweptFromBoth_EachDeletedFromItsOwnStorage()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        link.Simulator.NotifyIncoming = false;
        var onSim = await link.Simulator.DeliverAsync(Sender, "kept on the SIM", cancellationToken: timeout.Token);
        link.Simulator.IncomingStorage = "ME";
        var inModem = await link.Simulator.DeliverAsync("+256700000002", "kept in the modem: " + new string('m', 200), cancellationToken: timeout.Token);
        onSim.Should().Equal(1);
        inModem[0].Should().Be(1, "both storages number from 1, so a delete in the wrong one would remove the wrong message");

        await using var host = await StartModemAsync(link);
        await host.App.WaitForReceivedAsync(2, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.StorageOf("SM").Count == 0 && link.Simulator.StorageOf("ME").Count == 0, timeout.Token);

        host.App.Received.Select(m => m.Text).Should().BeEquivalentTo(["kept on the SIM", "kept in the modem: " + new string('m', 200)]);
        link.Simulator.Commands.Should().Contain("AT+CPMS=\"ME\"");
    }

    [Fact]
    public async Task Tcp_NotificationNamesModemMemory_ReadAndDeletedThereNotOnTheSim()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);

        // The backend is ready before its start-up sweep ends; a message stored during that sweep would be swept.
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6026 && r.Message.EndsWith(" in ME", StringComparison.Ordinal), timeout.Token);

        // Stored without +CMTI, so the SIM's slot 1 stays taken while ME's slot 1 is announced.
        link.Simulator.NotifyIncoming = false;
        var onSim = await link.Simulator.DeliverAsync(Sender, "unannounced, left for the next sweep", cancellationToken: timeout.Token);
        link.Simulator.NotifyIncoming = true;
        link.Simulator.IncomingStorage = "ME";
        var inModem = await link.Simulator.DeliverAsync(Sender, "echo from the modem memory", cancellationToken: timeout.Token);
        await link.Simulator.WaitForSentAsync(1, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.StorageOf("ME").Count == 0, timeout.Token);

        inModem.Should().Equal(onSim);
        link.Simulator.Storage.Should().ContainKey(onSim[0]);
        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("echo from the modem memory");
    }

    [Fact]
    public async Task Tcp_ModemWithoutModemMemory_SweepsOnlyTheSim()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp(new GsmModemSimulatorOptions { Storages = ["SM"], Capacity = 255 });
        link.Simulator.NotifyIncoming = false;
        await link.Simulator.DeliverAsync(Sender, "only the SIM here", cancellationToken: timeout.Token);

        await using var host = await StartModemAsync(link);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        link.Simulator.Commands.Should().NotContain(c => c.StartsWith("AT+CPMS=\"ME\"", StringComparison.Ordinal));
        host.Logs.Records.Should().NotContain(r => r.EventId.Id == 6029);
    }

    [Fact]
    public async Task Tcp_StoragesOption_SweepsOnlyTheStoragesListed()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        link.Simulator.NotifyIncoming = false;
        link.Simulator.IncomingStorage = "ME";
        await link.Simulator.DeliverAsync(Sender, "in the modem memory", cancellationToken: timeout.Token);
        link.Simulator.IncomingStorage = "SM";
        await link.Simulator.DeliverAsync(Sender, "on the SIM", cancellationToken: timeout.Token);

        await using var host = await StartModemAsync(link, o => o.Storages.Add("SM"));
        await host.App.WaitForReceivedAsync(1, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("on the SIM");
        link.Simulator.StorageOf("ME").Should().HaveCount(1);
    }

    [Fact]
    public async Task Tcp_PeriodicSweep_FindsMessageWhoseNotificationWasMissed()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.SweepInterval = TimeSpan.FromMilliseconds(300));
        await host.WaitReadyAsync("modem", timeout.Token);

        link.Simulator.NotifyIncoming = false;
        await link.Simulator.DeliverAsync(Sender, "no +CMTI for me", cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("no +CMTI for me");
    }

    [Fact]
    public async Task Tcp_DeleteFails_MessageRoutedOnceAndDeletedLater()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.SweepInterval = TimeSpan.FromMilliseconds(300));
        await host.WaitReadyAsync("modem", timeout.Token);
        link.Simulator.FailNext("AT+CMGD", "+CMS ERROR: 300", times: 3);

        var indexes = await link.Simulator.DeliverAsync(Sender, "route me once", cancellationToken: timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(indexes[0]), timeout.Token);
        await link.Simulator.SendUnsolicitedAsync($"+CMTI: \"SM\",{indexes[0]}", timeout.Token);

        host.App.Received.Should().ContainSingle();
        link.Simulator.Commands.Count(c => c.StartsWith("AT+CMGD", StringComparison.Ordinal)).Should().BeGreaterThan(3);
    }

    [Fact]
    public async Task Tcp_CmtThenCmtiForSameMessage_RoutedExactlyOnce()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var pdu = SmsPduEncoder.EncodeDeliver(Sender, "direct and stored", DateTimeOffset.Parse("2024-05-01T10:00:00+03:00", System.Globalization.CultureInfo.InvariantCulture), new SmsEncodingOptions { ServiceCenter = "+256700000000" })[0];

        await link.Simulator.SendUnsolicitedAsync($"+CMT: ,{pdu.TpduLength}\r\n{pdu.Hex}", timeout.Token);
        link.Simulator.FailNext("AT+CMGD", "+CMS ERROR: 300");
        var index = await link.Simulator.DeliverPduAsync(pdu.Hex, cancellationToken: timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Commands.Any(c => c.StartsWith("AT+CMGD", StringComparison.Ordinal)), timeout.Token);
        await link.Simulator.SendUnsolicitedAsync($"+CMTI: \"SM\",{index}", timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(index), timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("direct and stored");
    }

    [Fact]
    public async Task Tcp_DirectlyDeliveredPartHeldAcrossReconnect_JoinedWithItsLastPart()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var text = "handed over directly, in two parts: " + new string('d', 150);
        var pdus = SmsPduEncoder.EncodeDeliver(Sender, text, DateTimeOffset.UnixEpoch, new SmsEncodingOptions { ConcatenationReference = 0x51 });
        pdus.Should().HaveCount(2);

        // +CMT parts are not on the SIM: a reopened link must not forget the one already held.
        await link.Simulator.SendUnsolicitedAsync($"+CMT: ,{pdus[0].TpduLength}\r\n{pdus[0].Hex}", timeout.Token);
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6024, timeout.Token);
        await link.Simulator.DisconnectAsync();
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6012, timeout.Token);
        await host.WaitReadyAsync("modem", timeout.Token);
        await link.Simulator.SendUnsolicitedAsync($"+CMT: ,{pdus[1].TpduLength}\r\n{pdus[1].Hex}", timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be(text);
    }

    [Fact]
    public async Task Tcp_UndecodablePdu_ParkedNotDeleted_AndNextMessageStillRouted()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);

        var broken = await link.Simulator.DeliverPduAsync("07912180958729F6040B8141517337", cancellationToken: timeout.Token);
        await link.Simulator.DeliverAsync(Sender, "after the broken one", cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 1, timeout.Token);

        link.Simulator.Storage.Should().ContainKey(broken);
        link.Simulator.DeletedIndexes.Should().NotContain(broken);
        host.Logs.Records.Should().Contain(r => r.Level == LogLevel.Error && r.EventId.Id == 6021);
        host.Backend("modem").Status.ParkedMessages.Should().Be(1);
    }

    [Fact]
    public async Task Tcp_RouterStillProcessing_MessageNotDeletedUntilRouted()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = new RecordingApp { Hold = async _ => { entered.TrySetResult(); await release.Task; } };
        await using var host = await StartModemAsync(link, app: app);
        await host.WaitReadyAsync("modem", timeout.Token);

        var indexes = await link.Simulator.DeliverAsync(Sender, "hold on", cancellationToken: timeout.Token);
        await entered.Task.WaitAsync(timeout.Token);

        link.Simulator.Storage.Should().ContainKey(indexes[0]);
        link.Simulator.Commands.Should().NotContain(c => c.StartsWith("AT+CMGD", StringComparison.Ordinal));
        release.SetResult();
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(indexes[0]), timeout.Token);
    }

    [Fact]
    public async Task Tcp_SendGetsTransientCmsError_RetriedAndSent()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        link.Simulator.FailNext("AT+CMGS", "+CMS ERROR: 332");

        var result = await host.Router.SendAsync("after a network timeout", new Connection("modem", Sender), timeout.Token);

        result.Succeeded.Should().BeTrue();
        (await link.Simulator.WaitForSentAsync(1, timeout.Token))[0].Text.Should().Be("after a network timeout");
        link.Simulator.Commands.Count(c => c.StartsWith("AT+CMGS", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public async Task Tcp_LongMessageLastPartFailsTransiently_RouterRetrySendsOnlyTheRest()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.StatusReports = true);
        await host.WaitReadyAsync("modem", timeout.Token);
        var text = "three parts: " + new string('t', 320);
        var shape = SmsPduEncoder.EncodeSubmit(Sender, text, new SmsEncodingOptions { StatusReportRequest = true });
        shape.Should().HaveCount(3);
        shape[2].TpduLength.Should().NotBe(shape[0].TpduLength, "the failure is aimed at the last part by its length");

        // Every try the backend makes for the last part fails; the router's retry then finds the network back.
        link.Simulator.FailNext($"AT+CMGS={shape[2].TpduLength}", "+CMS ERROR: 332", times: 3);
        var message = new OutgoingMessage([new Connection("modem", Sender)], text);
        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);
        var sent = await link.Simulator.WaitForSentAsync(1, timeout.Token);
        await host.App.WaitForReportsAsync(1, timeout.Token);

        result.Succeeded.Should().BeTrue();
        sent.Should().ContainSingle().Which.Text.Should().Be(text);
        sent[0].Parts.Should().Be(3);
        link.Simulator.Commands.Count(c => c == $"AT+CMGS={shape[0].TpduLength}").Should().Be(2, "parts 1 and 2 went out once each");
        result.Recipients[0].BackendMessageId.Should().Be(string.Join(',', sent[0].MessageReferences));
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 6031 && r.Message.Contains("Parts 1-2 of 3 went out; a retry sends the rest only", StringComparison.Ordinal));
        var report = host.App.Reports.Should().ContainSingle().Subject;
        report.MessageId.Should().Be(message.Id);
        report.Status.Should().Be(DeliveryStatus.Delivered);
    }

    [Fact]
    public async Task Tcp_LongMessageLastPartFailsPermanently_NotRetriedAndSaysWhatWentOut()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var text = "two parts: " + new string('p', 200);
        var shape = SmsPduEncoder.EncodeSubmit(Sender, text, new SmsEncodingOptions());
        link.Simulator.FailNext($"AT+CMGS={shape[1].TpduLength}", "+CMS ERROR: 21");

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage([new Connection("modem", Sender)], text), timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("Parts 1-1 of 2 went out.");
        link.Simulator.Commands.Count(c => c.StartsWith("AT+CMGS", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public async Task Tcp_SendGetsPermanentCmsError_FailsWithMeaning()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        link.Simulator.FailNext("AT+CMGS", "+CMS ERROR: 21");

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage([new Connection("modem", Sender)], "rejected"), timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("+CMS ERROR: 21").And.Contain("short message transfer rejected");
        host.Backend("modem").Status.SendFailures.Should().Be(1);
    }

    [Fact]
    public async Task Tcp_MessageArrivesWhileSending_BothSucceed()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp(new GsmModemSimulatorOptions { VendorNoise = true, Capacity = 255 });
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        link.Simulator.DeliverDuringNextSend(Sender, "arrived mid-send");

        var result = await host.Router.SendAsync("going out", new Connection("modem", "+256700000009"), timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        result.Succeeded.Should().BeTrue();
        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("arrived mid-send");
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);
    }

    [Fact]
    public async Task Tcp_StatusReportsRequested_ReportedAsDeliveredWithMessageId()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.StatusReports = true);
        await host.WaitReadyAsync("modem", timeout.Token);
        var message = new OutgoingMessage([new Connection("modem", Sender)], "report back: " + new string('r', 200));

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);
        await host.App.WaitForReportsAsync(1, timeout.Token);

        result.Succeeded.Should().BeTrue();
        var report = host.App.Reports.Should().ContainSingle().Subject;
        report.Status.Should().Be(DeliveryStatus.Delivered);
        report.MessageId.Should().Be(message.Id.ToString());
        report.Identity.Should().Be(Sender);
        report.BackendMessageId.Should().Be(result.Recipients[0].BackendMessageId);
        (await link.Simulator.WaitForSentAsync(1, timeout.Token))[0].StatusReportRequested.Should().BeTrue();
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);
    }

    [Fact]
    public Task Tcp_ModemStopsAnswering_ReopenedAndWorksAgain() => ModemStopsAnswering_ReopenedAndWorksAgain(ModemLink.Tcp());

    [PeerFact(SocatPair.Install, "socat")]
    public async Task Pty_ModemStopsAnswering_ReopenedAndWorksAgain() => await ModemStopsAnswering_ReopenedAndWorksAgain(await ModemLink.PtyAsync());

    private static async Task ModemStopsAnswering_ReopenedAndWorksAgain(ModemLink modem)
    {
        using var timeout = Timeout();
        await using var link = modem;
        await using var host = await StartModemAsync(link, o =>
        {
            o.CommandTimeout = TimeSpan.FromMilliseconds(300);
            o.StatusInterval = TimeSpan.FromMilliseconds(200);
        });
        await host.WaitReadyAsync("modem", timeout.Token);
        var backend = host.Backend("modem");

        link.Simulator.Unresponsive = true;
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6012, timeout.Token);
        backend.Status.Reconnects.Should().BeGreaterThan(0);

        link.Simulator.Unresponsive = false;
        await host.WaitReadyAsync("modem", timeout.Token);
        await link.Simulator.DeliverAsync(Sender, "echo back again", cancellationToken: timeout.Token);
        (await link.Simulator.WaitForSentAsync(1, timeout.Token))[0].Text.Should().Be("back again");
        backend.Status.LastError.Should().NotBeNull();
    }

    [Fact]
    public async Task Tcp_SimPinAndHuaweiProfile_BootsWithPinAndVendorCommands()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp(new GsmModemSimulatorOptions { Pin = "4321", Capacity = 255 });
        await using var host = await StartModemAsync(link, o =>
        {
            o.Pin = "4321";
            o.Profile = "huawei";
        });
        await host.WaitReadyAsync("modem", timeout.Token);

        var indexes = await link.Simulator.DeliverAsync(Sender, "unlocked", cancellationToken: timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(indexes[0]), timeout.Token);

        link.Simulator.Commands.Should().Contain("AT+CPIN=\"4321\"").And.Contain("AT^CURC=0").And.Contain($"AT+CMGD={indexes[0]}");
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("4321", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tcp_ModemWithoutPduMode_FallsBackToTextMode()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp(new GsmModemSimulatorOptions { SupportsPduMode = false, Capacity = 255 });
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);

        await link.Simulator.DeliverAsync(Sender, "echo OK", cancellationToken: timeout.Token);
        var sent = await link.Simulator.WaitForSentAsync(1, timeout.Token);

        host.Backend("modem").Status.Mode.Should().Be(GsmMessageMode.Text);
        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("echo OK");
        sent[0].Text.Should().Be("OK");
    }

    [Fact]
    public async Task Tcp_Status_ReportsModemNetworkAndCounters()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp(new GsmModemSimulatorOptions { SignalQuality = 17, Registration = 5, Operator = "Zain UG", Capacity = 255 });
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        await link.Simulator.DeliverAsync(Sender, "count me", cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        var status = await host.Backend("modem").RefreshStatusAsync(timeout.Token);

        status.State.Should().Be(GsmModemState.Ready);
        status.Registration.Should().Be(GsmRegistration.Roaming);
        status.Operator.Should().Be("Zain UG");
        status.SignalQuality.Should().Be(17);
        status.SignalStrengthDbm.Should().Be(-79);
        status.Manufacturer.Should().Be("RapidSms");
        status.MessagesReceived.Should().Be(1);
    }

    [Fact]
    public async Task Tcp_SimBusyAfterPowerUp_RetriedUntilReady()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        link.Simulator.FailNext("AT+CPIN?", "+CME ERROR: 14", times: 2);
        await using var host = await StartModemAsync(link);

        await host.WaitReadyAsync("modem", timeout.Token);

        link.Simulator.Commands.Count(c => c == "AT+CPIN?").Should().Be(3);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 6015 && r.Message.Contains("SIM busy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tcp_LongIncomingMessage_PartsOutOfOrderAndLate_RoutedOnceWhenComplete()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => $"part{i} "));
        var pdus = SmsPduEncoder.EncodeDeliver(Sender, text, DateTimeOffset.Parse("2024-05-01T10:00:00+03:00", System.Globalization.CultureInfo.InvariantCulture), new SmsEncodingOptions { ConcatenationReference = 0x1234, Use16BitReference = true });
        pdus.Should().HaveCountGreaterThan(1);

        var indexes = new List<int>();
        foreach (var pdu in pdus.Skip(1).Reverse())
        {
            indexes.Add(await link.Simulator.DeliverPduAsync(pdu.Hex, cancellationToken: timeout.Token));
        }

        for (var sequence = 2; sequence <= pdus.Count; sequence++)
        {
            var held = $"holding part {sequence} of {pdus.Count}";
            await host.Logs.WaitForAsync(r => r.EventId.Id == 6024 && r.Message.Contains(held, StringComparison.Ordinal), timeout.Token);
        }

        host.Backend("modem").Status.HeldParts.Should().Be(pdus.Count - 1);

        link.Simulator.DeletedIndexes.Should().BeEmpty();

        indexes.Add(await link.Simulator.DeliverPduAsync(pdus[0].Hex, cancellationToken: timeout.Token));
        await host.App.WaitForReceivedAsync(1, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);

        var message = host.App.Received.Should().ContainSingle().Subject;
        message.Text.Should().Be(text);
        message.Fields[GsmBackend.PartsField].Should().Be(pdus.Count);
        message.Fields[GsmBackend.TimestampField].Should().Be(DateTimeOffset.Parse("2024-05-01T10:00:00+03:00", System.Globalization.CultureInfo.InvariantCulture));
        link.Simulator.DeletedIndexes.Should().BeEquivalentTo(indexes);
    }

    [Fact]
    public async Task Tcp_LongMessageMissingAPart_PartsPresentRoutedAsIncompleteAfterTimeout_LatePartOnItsOwn()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.IncompleteMessageTimeout = TimeSpan.FromMilliseconds(300));
        await host.WaitReadyAsync("modem", timeout.Token);
        var sent = DateTimeOffset.Parse("2024-05-01T10:00:00+03:00", System.Globalization.CultureInfo.InvariantCulture);
        var pdus = SmsPduEncoder.EncodeDeliver(Sender, string.Concat(Enumerable.Range(0, 60).Select(i => $"word{i} ")), sent, new SmsEncodingOptions { ConcatenationReference = 0x42 });
        pdus.Should().HaveCount(3);
        var texts = pdus.Select(p => ((SmsDeliver)SmsPdu.Decode(p.Hex, PduDirection.ToMobile)).Text).ToList();

        var first = await link.Simulator.DeliverPduAsync(pdus[0].Hex, cancellationToken: timeout.Token);
        var third = await link.Simulator.DeliverPduAsync(pdus[2].Hex, cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(first) && link.Simulator.DeletedIndexes.Contains(third), timeout.Token);

        var incomplete = host.App.Received.Should().ContainSingle().Subject;
        incomplete.Text.Should().Be(texts[0] + texts[2]);
        incomplete.Fields[GsmBackend.IncompleteField].Should().Be(true);
        incomplete.Fields[GsmBackend.MissingPartsField].Should().BeEquivalentTo(new[] { 2 });
        incomplete.Fields[GsmBackend.PartsField].Should().Be(2);
        incomplete.Fields[GsmBackend.TimestampField].Should().Be(sent);
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 6032 && r.Level == LogLevel.Warning);

        // The missing part turns up after all: routed on its own, marked the same way, never dropped.
        var second = await link.Simulator.DeliverPduAsync(pdus[1].Hex, cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(2, timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.DeletedIndexes.Contains(second), timeout.Token);

        var late = host.App.Received[1];
        late.Text.Should().Be(texts[1]);
        late.Fields[GsmBackend.MissingPartsField].Should().BeEquivalentTo(new[] { 1, 3 });
        host.Backend("modem").Status.HeldParts.Should().Be(0);
    }

    [Fact]
    public async Task Tcp_LongMessageMissingAPart_HeldOnTheSimWithoutTimeout()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.IncompleteMessageTimeout = null);
        await host.WaitReadyAsync("modem", timeout.Token);
        var pdus = SmsPduEncoder.EncodeDeliver(Sender, new string('h', 300), DateTimeOffset.UnixEpoch, new SmsEncodingOptions { ConcatenationReference = 0x43 });

        var index = await link.Simulator.DeliverPduAsync(pdus[0].Hex, cancellationToken: timeout.Token);
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6024, timeout.Token);
        await link.Simulator.DeliverAsync(Sender, "a later message", cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        host.App.Received.Should().ContainSingle().Which.Text.Should().Be("a later message");
        link.Simulator.Storage.Should().ContainKey(index);
        host.Backend("modem").Status.HeldParts.Should().Be(1);
    }

    [Fact]
    public async Task Tcp_ConnectionDropped_ReconnectsAndReceivesAgain()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link);
        await host.WaitReadyAsync("modem", timeout.Token);
        var backend = host.Backend("modem");

        await link.Simulator.DisconnectAsync();
        await host.Logs.WaitForAsync(r => r.EventId.Id == 6012, timeout.Token);
        backend.Status.Reconnects.Should().BeGreaterThan(0);

        await host.WaitReadyAsync("modem", timeout.Token);
        await link.Simulator.DeliverAsync(Sender, "echo reconnected", cancellationToken: timeout.Token);
        (await link.Simulator.WaitForSentAsync(1, timeout.Token))[0].Text.Should().Be("reconnected");
    }

    [Fact]
    public async Task Send_ModemUnreachable_FailsTransientlyWithReason()
    {
        using var timeout = Timeout();
        var port = Peers.FreeTcpPort();
        await using var host = await GsmHost.StartAsync(r => r.AddBackend("modem", b => b.UseGsm(o =>
        {
            o.Port = $"tcp://127.0.0.1:{port}";
            o.CommandTimeout = TimeSpan.FromMilliseconds(200);
        })), app: null);

        var result = await host.Backend("modem").SendAsync(new OutgoingMessage([new Connection("modem", Sender)], "nowhere to go"), [Sender], timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        failure.Error.Should().Contain("not ready");
        host.Backend("modem").Status.State.Should().NotBe(GsmModemState.Ready);
    }

    [Fact]
    public async Task Tcp_ReadRefused_MessageStaysAndIsSweptLater()
    {
        using var timeout = Timeout();
        await using var link = ModemLink.Tcp();
        await using var host = await StartModemAsync(link, o => o.SweepInterval = TimeSpan.FromMilliseconds(300));
        await host.WaitReadyAsync("modem", timeout.Token);
        await link.Simulator.WaitUntilAsync(() => link.Simulator.Commands.Contains("AT+CMGL=4"), timeout.Token);
        link.Simulator.FailNext("AT+CMGR", "+CMS ERROR: 500");

        await link.Simulator.DeliverAsync(Sender, "read me later", cancellationToken: timeout.Token);
        await host.App.WaitForReceivedAsync(1, timeout.Token);

        host.Logs.Records.Should().Contain(r => r.EventId.Id == 6029);
        host.Backend("modem").Status.Reconnects.Should().Be(0);
    }
}
