using RapidSms.Testing;

namespace RapidSms.Backends.Bucket.Tests;

public sealed class BucketBackendContractTests : BackendContractTests
{
    protected override ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => new(new BucketPeer());

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) => backend.UseBucket();
}
