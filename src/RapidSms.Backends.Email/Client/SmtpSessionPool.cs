namespace RapidSms.Backends.Email.Client;

/// <summary>
/// Keeps SMTP sessions open between sends for a while, so a burst of replies pays for one connection,
/// TLS handshake and login instead of one each. A session is checked with NOOP before it is used again;
/// one that died while idle is dropped and a fresh one opened in its place. Idle sessions are closed
/// with QUIT once they have waited <c>keepAlive</c>, or when the pool is disposed.
/// </summary>
internal sealed class SmtpSessionPool : IAsyncDisposable
{
    /// <summary>The most sessions kept idle at once; more (after a burst of parallel sends) are closed.</summary>
    public const int MaxIdle = 4;

    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);
    private readonly Func<CancellationToken, Task<SmtpClient>> _connect;
    private readonly TimeSpan _keepAlive;
    private readonly TimeProvider _timeProvider;
    private readonly List<(SmtpClient Client, long IdleSince)> _idle = [];
    private readonly ITimer? _sweeper;
    private bool _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="connect">Opens and logs in a new session.</param>
    /// <param name="keepAlive">How long a session may wait unused; zero closes each session after its send.</param>
    /// <param name="timeProvider">The clock.</param>
    public SmtpSessionPool(Func<CancellationToken, Task<SmtpClient>> connect, TimeSpan keepAlive, TimeProvider timeProvider)
    {
        _connect = connect;
        _keepAlive = keepAlive;
        _timeProvider = timeProvider;
        if (keepAlive > TimeSpan.Zero)
        {
            var period = TimeSpan.FromTicks(Math.Max(keepAlive.Ticks / 2, TimeSpan.FromMilliseconds(10).Ticks));
            _sweeper = timeProvider.CreateTimer(static state => _ = ((SmtpSessionPool)state!).SweepAsync(), this, period, period);
        }
    }

    /// <summary>How many sessions were opened so far (for tests and diagnostics).</summary>
    public int Opened { get; private set; }

    /// <summary>An idle session that still answers NOOP, or a new one.</summary>
    public async Task<SmtpClient> AcquireAsync(CancellationToken cancellationToken)
    {
        while (Take() is { } reused)
        {
            try
            {
                await reused.NoopAsync(cancellationToken).ConfigureAwait(false);
                return reused;
            }
            catch (Exception ex)
            {
                // Closed by the server while idle (its timeout, a restart): open a fresh one instead. Whatever
                // went wrong, a session that failed its check is never used again.
                await reused.DisposeAsync().ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested || ex is not (IOException or OperationCanceledException))
                {
                    throw;
                }
            }
        }

        var client = await _connect(cancellationToken).ConfigureAwait(false);
        lock (_idle)
        {
            Opened++;
        }

        return client;
    }

    /// <summary>Hands back a session after a send that left it usable; it is kept or closed.</summary>
    public async Task ReleaseAsync(SmtpClient client)
    {
        lock (_idle)
        {
            if (!_disposed && _keepAlive > TimeSpan.Zero && _idle.Count < MaxIdle)
            {
                _idle.Add((client, _timeProvider.GetTimestamp()));
                return;
            }
        }

        await QuitAsync(client).ConfigureAwait(false);
    }

    /// <summary>Closes the idle sessions with QUIT.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SmtpClient> closing;
        lock (_idle)
        {
            _disposed = true;
            closing = [.. _idle.Select(i => i.Client)];
            _idle.Clear();
        }

        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var client in closing)
        {
            await QuitAsync(client).ConfigureAwait(false);
        }
    }

    private SmtpClient? Take()
    {
        lock (_idle)
        {
            if (_idle.Count == 0)
            {
                return null;
            }

            // The most recently used first: the likeliest to be alive.
            var last = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            return last.Client;
        }
    }

    private async Task SweepAsync()
    {
        List<SmtpClient> expired;
        lock (_idle)
        {
            var now = _timeProvider.GetTimestamp();
            expired = [.. _idle.Where(i => _timeProvider.GetElapsedTime(i.IdleSince, now) >= _keepAlive).Select(i => i.Client)];
            _idle.RemoveAll(i => expired.Contains(i.Client));
        }

        foreach (var client in expired)
        {
            await QuitAsync(client).ConfigureAwait(false);
        }
    }

    private async Task QuitAsync(SmtpClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(QuitTimeout, _timeProvider);
            await client.QuitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone; the mails it carried were sent.
        }
        finally
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
