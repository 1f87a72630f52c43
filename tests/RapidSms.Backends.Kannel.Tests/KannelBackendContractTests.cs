using RapidSms.Testing;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>The shared backend contract against a real Kannel (bearerbox + smsbox) and its HTTP SMSC.</summary>
public sealed class KannelBackendContractTests : BackendContractTests
{
    // smsbox calls get-url from several threads, so a burst from one phone may reach us out of order.
    protected override bool PreservesOrder => false;

    // The base class's facts cannot be skipped: without Kannel they fail with PeerMissingException naming the install command.
    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => await KannelPeer.StartAsync();

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseKannel(o => ((KannelPeer)peer).Configure(o));
}
