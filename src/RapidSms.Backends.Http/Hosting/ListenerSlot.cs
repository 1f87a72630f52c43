namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// Holds a backend's self-hosted listener and serialises starting and stopping it: a stop that comes while a start is
/// still binding waits for it and then stops what it started, and two starts never bind two listeners.
/// </summary>
internal sealed class ListenerSlot : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebhookListener? _listener;
    private int _disposed;

    /// <summary>The running listener's address, or <see langword="null"/>.</summary>
    public Uri? Address => Volatile.Read(ref _listener)?.Address;

    /// <summary>Starts a listener unless one runs already.</summary>
    /// <param name="start">Starts the listener.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The listener, or <see langword="null"/> when one was running already.</returns>
    public async Task<WebhookListener?> StartAsync(Func<CancellationToken, Task<WebhookListener>> start, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listener is not null)
            {
                return null;
            }

            var listener = await start(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _listener, listener);
            return listener;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops the listener: no new requests are taken, those in progress may finish until <paramref name="cancellationToken"/>
    /// is cancelled, after which their connections are closed (their gateways got no 200 and send again).
    /// </summary>
    /// <param name="cancellationToken">Ends the wait for requests in progress.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed after a stop: nothing runs (a backend may be stopped or disposed more than once).
            return;
        }

        // Not cancellable: a start in progress is bounded by its own token, and the listener must not outlive the stop.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_listener is not { } listener)
            {
                return;
            }

            Volatile.Write(ref _listener, null);
            try
            {
                await listener.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Kestrel closed the connections still open; the listener is stopped all the same.
            }
            finally
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the gate; call after <see cref="StopAsync"/>. Stopping again afterwards does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _gate.Dispose();
        }
    }
}
