using RapidSms.Testing;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The shared backend contract, with the SMPP backend bound to the in-process SMSC simulator.</summary>
public sealed class SmppSimulatorContractTests : BackendContractTests
{
    protected override ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => new(new SmppSimulatorPeer());

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer)
    {
        var simulator = ((SmppSimulatorPeer)peer).Simulator;
        backend.UseSmpp(o =>
        {
            o.Host = simulator.Host;
            o.Port = simulator.Port;
            o.SystemId = "contract";
        });
    }
}
