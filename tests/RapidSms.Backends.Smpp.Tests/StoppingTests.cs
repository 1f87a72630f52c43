using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>
/// A deliver_sm the router cannot accept because the host is stopping is answered with ESME_RX_T_APPN, so the SMSC
/// delivers it again; after a restart it arrives, once.
/// </summary>
public sealed class StoppingTests
{
    private const string Busy = "+256700000001";
    private const string Late = "+256700000002";

    [Fact]
    public async Task Receive_WhileHostStops_SimulatorGetsTemporaryErrorAndTheMessageArrivesOnceAfterRestart()
    {
        await using var smsc = SmppSimulator.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var refused = await RefuseOneWhileStoppingAsync(
            smsc.Host,
            smsc.Port,
            async (from, text) => (int)await smsc.SendMessageAsync(from, "8888", text, timeout.Token),
            timeout.Token);

        refused.Should().Be((int)SmppCommandStatus.ReceiverTemporaryAppError);
        await using var second = await SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        (await smsc.SendMessageAsync(Late, "8888", "sent while stopping", timeout.Token)).Should().Be(SmppCommandStatus.Ok);
        var arrived = await second.App.WaitForReceivedAsync(1, timeout.Token);
        arrived.Should().ContainSingle().Which.Text.Should().Be("sent while stopping");
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receive_WhileHostStops_NodeServerGetsTemporaryErrorAndTheMessageArrivesOnceAfterRestart()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var refused = await RefuseOneWhileStoppingAsync(
            "127.0.0.1",
            smsc.Port,
            (from, text) => smsc.DeliverAsync(from, text, timeout.Token),
            timeout.Token);

        refused.Should().Be((int)SmppCommandStatus.ReceiverTemporaryAppError);
        await smsc.WaitForEventAsync("unbind", 1, timeout.Token);
        await using var second = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        await smsc.WaitForEventAsync("bind", 2, timeout.Token);
        await second.WaitForBindAsync(timeout.Token);
        (await smsc.DeliverAsync(Late, "sent while stopping", timeout.Token)).Should().Be(0);
        var arrived = await second.App.WaitForReceivedAsync(1, timeout.Token);
        arrived.Should().ContainSingle().Which.Text.Should().Be("sent while stopping");
    }

    /// <summary>
    /// Keeps the router busy with one message, stops the host, sends another once the router is closed, lets the
    /// first finish; returns the status the SMSC got for the second. The first must have been accepted (ESME_ROK),
    /// the second must not have reached the app.
    /// </summary>
    private static async Task<int> RefuseOneWhileStoppingAsync(string host, int port, Func<string, string, Task<int>> deliver, CancellationToken cancellationToken)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await SmppTestHost.StartAsync(host, port);
        Task? stopping = null;
        try
        {
            first.App.Hold = m =>
            {
                if (m.Text != "busy")
                {
                    return Task.CompletedTask;
                }

                held.TrySetResult();
                return release.Task;
            };
            await first.WaitForBindAsync(cancellationToken);
            var busy = deliver(Busy, "busy");
            await held.Task.WaitAsync(cancellationToken);

            stopping = first.DisposeAsync().AsTask();
            await WaitUntilClosedAsync(first.Router, cancellationToken);
            var late = deliver(Late, "sent while stopping");

            // Once the backend holds it, the outcome no longer depends on whether it arrived before the unbind.
            while (first.Logs.Records.Count(r => r.EventId.Id == 5025) < 2)
            {
                await Task.Delay(10, cancellationToken);
            }

            release.SetResult();

            (await busy.WaitAsync(cancellationToken)).Should().Be(0, "the router accepted the first message before it closed");
            var status = await late.WaitAsync(cancellationToken);
            await stopping.WaitAsync(cancellationToken);
            first.App.Received.Select(m => m.Text).Should().Equal("busy");
            first.Logs.Records.Should().Contain(r => r.EventId.Id == 5017 || r.EventId.Id == 5024);
            return status;
        }
        finally
        {
            release.TrySetResult();
            if (stopping is null)
            {
                await first.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until the router refuses new messages: a probe with a cancelled token is refused before it can queue.</summary>
    private static async Task WaitUntilClosedAsync(IRouter router, CancellationToken cancellationToken)
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        while (true)
        {
            try
            {
                await router.ReceiveIncomingAsync(new IncomingMessage(new Connection(SmppTestHost.BackendName, "probe"), "probe", DateTimeOffset.UnixEpoch), cancelled.Token);
            }
            catch (RouterClosedException)
            {
                return;
            }
            catch (OperationCanceledException)
            {
            }

            await Task.Delay(10, cancellationToken);
        }
    }
}
