using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RapidSms;

/// <summary>
/// Starts every backend, supervises their receive loops (restarting a failed one with back-off),
/// and on shutdown stops taking input, drains what is in flight, then stops the backends.
/// </summary>
internal sealed class RapidSmsHostedService : IHostedService, IAsyncDisposable
{
    private readonly MessageRouter _router;
    private readonly RapidSmsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<Task> _loops = [];
    private readonly List<BackendBase> _started = [];
    private CancellationTokenSource? _stopping;

    public RapidSmsHostedService(MessageRouter router, IOptions<RapidSmsOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        _router = router;
        _options = options.Value;
        _time = timeProvider;
        _logger = (ILogger?)loggerFactory?.CreateLogger("RapidSms.Host") ?? NullLogger.Instance;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();

        // Build the apps now, so a missing dependency fails start-up rather than the first message.
        _ = _router.Apps;
        foreach (var backend in _router.Backends)
        {
            Log.BackendStarting(_logger, backend.Name, backend.GetType().Name);
            try
            {
                await backend.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The host will not call StopAsync after a failed start: close what was opened.
                await StopStartedAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            _started.Add(backend);
        }

        foreach (var backend in _started)
        {
            _loops.Add(SuperviseAsync(backend, _stopping.Token));
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var names = string.Join(", ", _router.Backends.Select(b => b.Name));
            Log.RouterStarted(_logger, _router.Apps.Count, _router.Backends.Count, names);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // 1. No new input: the router refuses new messages from any source, so backends do not
        //    acknowledge them, and the receive loops are told to stop.
        _router.Close();
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        // 2. Let the loops finish the message each may be handing over; a message the router
        //    accepted runs to the end.
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Out of time: the drain below cancels what is still in flight.
        }

        // 3. Drain what other callers (webhooks, apps) put in flight; when the host's shutdown time
        //    has run out this cancels those messages instead of waiting.
        try
        {
            await _router.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // 4. Close the links, last started first.
        await StopStartedAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StopStartedAsync(CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            var backend = _started[i];
            Log.BackendStopping(_logger, backend.Name);
            try
            {
                await backend.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.BackendStopFailed(_logger, ex, backend.Name);
            }
        }

        _started.Clear();
    }

    public ValueTask DisposeAsync()
    {
        _stopping?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SuperviseAsync(BackendBase backend, CancellationToken stoppingToken)
    {
        // Leave the caller (StartAsync) at once.
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                await backend.RunLoopAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested || ex is RouterClosedException)
            {
                // Stopping: a loop that ends with an error now (the router refusing a last message,
                // a link closed under it) is not a crash to restart.
                return;
            }
            catch (Exception ex)
            {
                // A loop that ran a good while before failing starts its back-off afresh.
                if (_time.GetElapsedTime(started) > _options.MaxBackendRestartDelay * 2)
                {
                    failures = 0;
                }

                failures++;
                var delay = Backoff.Delay(_options.BackendRestartDelay, failures, _options.MaxBackendRestartDelay);
                _router.Metrics.BackendRestarts.Add(1, RouterMetrics.Backend(backend.Name));
                Log.BackendLoopFailed(_logger, ex, backend.Name, failures, delay);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
