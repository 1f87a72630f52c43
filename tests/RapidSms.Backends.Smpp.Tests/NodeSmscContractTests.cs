using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>
/// The shared backend contract against the node `smpp` package's server (tests/peers/smpp/server.js), an SMSC
/// written by others: skipped with the install command where node or the npm package is missing.
/// </summary>
[RequiresPeer(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
public sealed class NodeSmscContractTests : BackendContractTests
{
    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) =>
        new NodeSmscPeer(await NodeSmsc.StartAsync());

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer)
    {
        var port = ((NodeSmscPeer)peer).Smsc.Port;
        backend.UseSmpp(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = port;
            o.SystemId = "contract";
            o.Password = "secret";
        });
    }
}
