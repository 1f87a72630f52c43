using RapidSms.Backends.Bucket;

namespace RapidSms.Testing;

/// <summary>
/// The <see cref="IBackendTestPeer"/> of the in-memory bucket backend: what a phone "sends" is injected
/// into the bucket, and what the bucket sent is read back in order.
/// </summary>
/// <remarks>
/// The peer reads <see cref="BucketBackend.Sent"/> by position: keep <see cref="BucketOptions.MaxKept"/>
/// above what a test sends, and do not <see cref="BucketBackend.Clear"/> the bucket while the peer reads.
/// </remarks>
public sealed class BucketPeer : IBackendTestPeer
{
    private BucketBackend? _bucket;
    private long _next;

    /// <summary>The attached bucket backend.</summary>
    /// <exception cref="InvalidOperationException"><see cref="AttachAsync"/> has not been called.</exception>
    public BucketBackend Bucket => _bucket ?? throw new InvalidOperationException("The bucket peer is not attached to a backend yet: call AttachAsync first.");

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="backend"/> is not a <see cref="BucketBackend"/>.</exception>
    public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _bucket = backend as BucketBackend
            ?? throw new ArgumentException($"The bucket peer needs a {nameof(BucketBackend)}, not {backend}.", nameof(backend));
        return ValueTask.CompletedTask;
    }

    /// <summary>Injects the message into the bucket; completes when the router is done with it.</summary>
    /// <param name="identity">The sender.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Stops waiting for room in the router.</param>
    public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken)
    {
        await Bucket.InjectAsync(identity, text, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
    {
        var bucket = Bucket;
        var index = Interlocked.Increment(ref _next) - 1;
        await bucket.WaitForSentAsync(checked((int)(index + 1)), cancellationToken).ConfigureAwait(false);

        // Count first, then copy: without trimming the copy holds at least as many as counted.
        var count = bucket.SentCount;
        var sent = bucket.Sent;
        if (sent.Count < count)
        {
            throw new InvalidOperationException(
                $"The bucket sent {count} messages but keeps only {sent.Count}, so the peer cannot read them in order: raise BucketOptions.MaxKept for this test.");
        }

        var message = sent[(int)index];
        return new PeerMessage(message.Identity, message.Text);
    }

    /// <summary>Does nothing: the bucket lives in the host.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
