using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>The shared backend contract against a real Kannel (bearerbox + smsbox) and its HTTP SMSC.</summary>
[RequiresPeer(KannelPeer.Install, "bearerbox", "smsbox")]
public sealed class KannelBackendContractTests : BackendContractTests
{
    // smsbox calls get-url from several threads, so a burst from one phone may reach us out of order.
    protected override bool PreservesOrder => false;

    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => await KannelPeer.StartAsync();

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseKannel(o => ((KannelPeer)peer).Configure(o));
}
