using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>The shared backend contract, with the GSM backend talking to the simulator over TCP.</summary>
public sealed class GsmTcpContractTests : GsmContractTests
{
    private protected override Task<ModemLink> OpenLinkAsync() => Task.FromResult(ModemLink.Tcp());
}

/// <summary>
/// The shared backend contract over a socat pseudo-terminal pair: the backend opens its end through the real
/// termios transport, as it would open /dev/ttyUSB1, and the simulator serves the other end.
/// </summary>
[RequiresPeer(SocatPair.Install, "socat")]
public sealed class GsmPtyContractTests : GsmContractTests
{
    private protected override Task<ModemLink> OpenLinkAsync() => ModemLink.PtyAsync();
}

/// <summary>The shared backend contract with the simulator as the other side; subclasses choose the link.</summary>
public abstract class GsmContractTests : BackendContractTests
{
    private protected abstract Task<ModemLink> OpenLinkAsync();

    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) =>
        new SimulatorPeer(await OpenLinkAsync().WaitAsync(cancellationToken), Logs);

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseGsm(((SimulatorPeer)peer).Link.Configure);

    private sealed class SimulatorPeer(ModemLink link, ListLoggerProvider logs) : IBackendTestPeer
    {
        private int _next;

        public ModemLink Link { get; } = link;

        // Messages must not arrive before the modem is initialised and its start-up sweep has listed the last storage
        // (SM, then ME): a sweep reads messages in storage-index order, and slots freed by deletes are reused, so a
        // burst caught by it would reach the apps out of order. Notified messages are read in arrival order.
        public async ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken)
        {
            await ((GsmBackend)backend).WaitUntilReadyAsync(cancellationToken);
            await logs.WaitForAsync(r => r.EventId.Id == 6026 && r.Message.EndsWith(" in ME", StringComparison.Ordinal), cancellationToken);
        }

        public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
            await Link.Simulator.DeliverAsync(identity, text, cancellationToken: cancellationToken);

        public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _next) - 1;
            var sent = await Link.Simulator.WaitForSentAsync(index + 1, cancellationToken);
            return new PeerMessage(sent[index].Recipient, sent[index].Text);
        }

        public ValueTask DisposeAsync() => Link.DisposeAsync();
    }
}
