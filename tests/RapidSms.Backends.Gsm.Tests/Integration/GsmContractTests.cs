using RapidSms.Testing;
using RapidSms.Testing.Gsm;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>The shared backend contract, with the GSM backend talking to the simulator over TCP.</summary>
public sealed class GsmContractTests : BackendContractTests
{
    private ModemLink? _link;

    protected override ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken)
    {
        _link = ModemLink.Tcp();
        return ValueTask.FromResult<IBackendTestPeer>(new SimulatorPeer(_link));
    }

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseGsm(((SimulatorPeer)peer).Link.Configure);

    private sealed class SimulatorPeer(ModemLink link) : IBackendTestPeer
    {
        private int _next;

        public ModemLink Link { get; } = link;

        // Messages must not arrive before the modem is initialised, or they would only be found by a sweep.
        public async ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) =>
            await ((GsmBackend)backend).WaitUntilReadyAsync(cancellationToken);

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
