using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RapidSms;

/// <summary>
/// The in-process router: bounded concurrency, bounded capacity (back-pressure), and messages from
/// one connection processed in arrival order.
/// </summary>
internal sealed class MessageRouter : IRouter, IAsyncDisposable
{
    private const string FilterPhase = "filter";
    private const string ParsePhase = "parse";
    private const string HandlePhase = "handle";
    private const string DefaultPhase = "default";
    private const string CleanupPhase = "cleanup";
    private const string OutgoingPhase = "outgoing";

    private readonly IServiceProvider _services;
    private readonly Lock _appsGate = new();
    private AppSet? _appSet;
    private readonly Dictionary<string, BackendBase> _backends;
    private readonly BackendBase[] _backendList;
    private readonly RapidSmsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RouterMetrics _metrics;
    private readonly SemaphoreSlim _capacity;
    private readonly SemaphoreSlim _concurrency;
    private readonly Dictionary<Connection, Task> _lanes = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _inFlight;
    private int _disposed;
    private volatile bool _closed;

    public MessageRouter(
        IEnumerable<BackendRegistration> registrations,
        IServiceProvider services,
        IOptions<RapidSmsOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        _services = services;
        _options = options.Value;
        _time = timeProvider;
        _logger = (ILogger?)loggerFactory?.CreateLogger("RapidSms.Router") ?? NullLogger.Instance;
        _metrics = new RouterMetrics(meterFactory);
        _capacity = new SemaphoreSlim(_options.Capacity, _options.Capacity);
        _concurrency = new SemaphoreSlim(_options.MaxConcurrentMessages, _options.MaxConcurrentMessages);

        _backends = new Dictionary<string, BackendBase>(StringComparer.Ordinal);
        var list = new List<BackendBase>();
        foreach (var registration in registrations)
        {
            var backend = BackendFactory.Create(services, registration, this, loggerFactory, timeProvider);
            _backends.Add(registration.Name, backend);
            list.Add(backend);
        }

        _backendList = [.. list];
    }

    public IReadOnlyList<IApp> Apps => AppList;

    /// <summary>
    /// The apps, resolved on first use rather than in the constructor, so that an app may take
    /// <see cref="IRouter"/> in its own constructor (apps send messages of their own).
    /// </summary>
    private IApp[] AppList => Resolved.Apps;

    private AppSet Resolved => Volatile.Read(ref _appSet) ?? ResolveApps();

    public IReadOnlyCollection<BackendBase> Backends => _backendList;

    /// <summary>Incoming messages accepted and not yet finished.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    internal RouterMetrics Metrics => _metrics;

    public bool TryGetBackend(string name, [NotNullWhen(true)] out BackendBase? backend)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _backends.TryGetValue(name, out backend);
    }

    public async ValueTask ReceiveIncomingAsync(IncomingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_closed)
        {
            throw new RouterClosedException();
        }

        // Take a place in the sender's lane first, synchronously, so arrival order is kept.
        var connection = message.Connection;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous;
        lock (_lanes)
        {
            _lanes.TryGetValue(connection, out previous);
            _lanes[connection] = done.Task;
        }

        Interlocked.Increment(ref _inFlight);
        _metrics.InFlight.Add(1);
        var holdsCapacity = false;
        try
        {
            await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
            holdsCapacity = true;
            if (previous is { IsCompleted: false })
            {
                await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Once accepted, a message runs to the end; only an abandoned drain cancels it.
                await ProcessIncomingAsync(message, _abort.Token).ConfigureAwait(false);
            }
            finally
            {
                _concurrency.Release();
            }
        }
        finally
        {
            if (holdsCapacity)
            {
                _capacity.Release();
            }

            lock (_lanes)
            {
                if (_lanes.TryGetValue(connection, out var tail) && ReferenceEquals(tail, done.Task))
                {
                    _lanes.Remove(connection);
                }
            }

            done.TrySetResult();
            _metrics.InFlight.Add(-1);
            if (Interlocked.Decrement(ref _inFlight) == 0 && _closed)
            {
                _drained.TrySetResult();
            }
        }
    }

    public async ValueTask<SendResult> SendOutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // An unknown backend is a programming or configuration error: fail before anything is sent.
        foreach (var connection in message.Connections)
        {
            if (!_backends.ContainsKey(connection.Backend))
            {
                throw new BackendNotFoundException(connection.Backend, _backends.Keys);
            }
        }

        using var activity = RapidSmsActivity.Source.StartActivity(RapidSmsTelemetry.SendActivity, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RapidSmsTelemetry.MessageIdTag, message.Id);
        }

        if (!await RunOutgoingPhaseAsync(message, cancellationToken).ConfigureAwait(false))
        {
            return SendResult.Cancelled;
        }

        var results = new List<RecipientResult>(message.Connections.Count);
        foreach (var (backendName, identities) in GroupByBackend(message.Connections))
        {
            var backend = _backends[backendName];
            var backendResults = await SendWithRetriesAsync(backend, message, identities, cancellationToken).ConfigureAwait(false);
            var tag = RouterMetrics.Backend(backendName);
            var sent = 0;
            foreach (var result in backendResults)
            {
                if (result.Succeeded)
                {
                    sent++;
                }
                else
                {
                    _metrics.Failed.Add(1, tag, new(RapidSmsTelemetry.ErrorTypeTag, result.IsTransient ? "transient" : "permanent"));
                }

                results.Add(result.Backend == backendName ? result : result with { Backend = backendName });
            }

            if (sent > 0)
            {
                _metrics.Sent.Add(sent, tag);
                Log.MessageSent(_logger, message.Id, backendName, sent);
            }
        }

        var sendResult = new SendResult(results);
        if (!sendResult.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "Sending failed for some recipients.");
        }

        return sendResult;
    }

    public async ValueTask ReceiveDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        _metrics.DeliveryReports.Add(
            1,
            RouterMetrics.Backend(report.Backend),
            new(RapidSmsTelemetry.DeliveryStatusTag, StatusName(report.Status)));

        foreach (var observer in Resolved.Observers)
        {
            try
            {
                await observer.OnDeliveryReportAsync(report, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Log.DeliveryReportObserverFailed(_logger, ex, (observer as IApp)?.Name ?? observer.GetType().Name, report.Backend);
            }
        }
    }

    /// <summary>Stops taking new incoming messages; those in flight go on.</summary>
    public void Close()
    {
        _closed = true;
        if (Interlocked.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Waits until every accepted message is done; if <paramref name="cancellationToken"/> fires first, cancels them.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Close();
        var count = InFlight;
        if (count == 0)
        {
            return;
        }

        Log.Draining(_logger, count);
        try
        {
            await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.DrainAbandoned(_logger, InFlight);
            await _abort.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container may dispose us twice: once as MessageRouter, once as IRouter.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close();
        await _abort.CancelAsync().ConfigureAwait(false);
        foreach (var backend in _backendList)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _abort.Dispose();
        _capacity.Dispose();
        _concurrency.Dispose();
    }

    private async ValueTask ProcessIncomingAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        using var activity = RapidSmsActivity.Source.StartActivity(RapidSmsTelemetry.ReceiveActivity, ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RapidSmsTelemetry.BackendTag, message.Connection.Backend);
            activity.SetTag(RapidSmsTelemetry.MessageIdTag, message.Id);
        }

        _metrics.Received.Add(1, RouterMetrics.Backend(message.Connection.Backend));
        Log.MessageReceived(_logger, message.Id, message.Connection.Backend);

        await RunIncomingPhasesAsync(message, cancellationToken).ConfigureAwait(false);

        // Responses go out after the incoming phases, even for a filtered message (a filter may
        // answer "you are not registered" before dropping it), as RapidSMS does.
        var responses = message.Responses;
        for (var i = 0; i < responses.Count; i++)
        {
            var response = responses[i];
            try
            {
                var result = await SendOutgoingAsync(response, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded && !result.IsCancelled)
                {
                    Log.ResponseFailed(_logger, new MessageSendingException(result, response), response.Id, message.Id);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Log.ResponseFailed(_logger, ex, response.Id, message.Id);
            }
        }
    }

    private async ValueTask RunIncomingPhasesAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var apps = AppList;

        // filter: the first app that returns true drops the message; nothing else runs.
        var start = _time.GetTimestamp();
        foreach (var app in apps)
        {
            bool filtered;
            try
            {
                filtered = await app.FilterAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAppFault(ex, cancellationToken))
            {
                AppFailed(app, FilterPhase, message, ex);
                continue;
            }

            if (filtered)
            {
                _metrics.Filtered.Add(1, new KeyValuePair<string, object?>(RapidSmsTelemetry.AppTag, app.Name));
                Log.MessageFiltered(_logger, message.Id, app.Name);
                RecordPhase(FilterPhase, start);
                return;
            }
        }

        RecordPhase(FilterPhase, start);

        // parse: every app annotates.
        start = _time.GetTimestamp();
        foreach (var app in apps)
        {
            try
            {
                await app.ParseAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAppFault(ex, cancellationToken))
            {
                AppFailed(app, ParsePhase, message, ex);
            }
        }

        RecordPhase(ParsePhase, start);

        // handle: the first app that returns true marks the message handled and ends the phase.
        start = _time.GetTimestamp();
        foreach (var app in apps)
        {
            bool handled;
            try
            {
                handled = await app.HandleAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAppFault(ex, cancellationToken))
            {
                AppFailed(app, HandlePhase, message, ex);
                continue;
            }

            if (handled)
            {
                message.Handled = true;
                Log.MessageHandled(_logger, message.Id, app.Name);
                break;
            }
        }

        RecordPhase(HandlePhase, start);

        // default: only for messages nobody handled; the first app that returns true ends the phase.
        if (!message.Handled)
        {
            start = _time.GetTimestamp();
            foreach (var app in apps)
            {
                bool stop;
                try
                {
                    stop = await app.DefaultAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsAppFault(ex, cancellationToken))
                {
                    AppFailed(app, DefaultPhase, message, ex);
                    continue;
                }

                if (stop)
                {
                    break;
                }
            }

            RecordPhase(DefaultPhase, start);
        }

        // cleanup: every app, for every message that was not filtered.
        start = _time.GetTimestamp();
        foreach (var app in apps)
        {
            try
            {
                await app.CleanupAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAppFault(ex, cancellationToken))
            {
                AppFailed(app, CleanupPhase, message, ex);
            }
        }

        RecordPhase(CleanupPhase, start);
    }

    private async ValueTask<bool> RunOutgoingPhaseAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        try
        {
            // Reverse order: the first app to see an incoming message is the last to see the reply.
            var apps = AppList;
            for (var i = apps.Length - 1; i >= 0; i--)
            {
                var app = apps[i];
                bool proceed;
                try
                {
                    proceed = await app.OutgoingAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsAppFault(ex, cancellationToken))
                {
                    AppFailed(app, OutgoingPhase, message, ex);
                    continue;
                }

                if (!proceed)
                {
                    _metrics.Cancelled.Add(1, new KeyValuePair<string, object?>(RapidSmsTelemetry.AppTag, app.Name));
                    Log.MessageCancelled(_logger, message.Id, app.Name);
                    return false;
                }
            }

            return true;
        }
        finally
        {
            RecordPhase(OutgoingPhase, start);
        }
    }

    private async ValueTask<IReadOnlyList<RecipientResult>> SendWithRetriesAsync(
        BackendBase backend,
        OutgoingMessage message,
        IReadOnlyList<string> identities,
        CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(1, _options.MaxSendAttempts);
        var first = await SendOnceAsync(backend, message, identities, 1, cancellationToken).ConfigureAwait(false);
        if (maxAttempts == 1 || !HasTransientFailure(first))
        {
            // The common case: nothing to retry, the results are already in order.
            return first;
        }

        var final = new Dictionary<string, RecipientResult>(StringComparer.Ordinal);
        IReadOnlyList<RecipientResult> results = first;
        for (var attempt = 1; ; attempt++)
        {
            List<string>? retry = null;
            foreach (var result in results)
            {
                final[result.Identity] = result;
                if (!result.Succeeded && result.IsTransient && attempt < maxAttempts)
                {
                    (retry ??= []).Add(result.Identity);
                }
            }

            if (retry is null)
            {
                break;
            }

            var delay = Backoff.Delay(_options.SendRetryDelay, attempt, TimeSpan.FromMinutes(1));
            Log.SendRetrying(_logger, message.Id, backend.Name, retry.Count, delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            results = await SendOnceAsync(backend, message, retry, attempt + 1, cancellationToken).ConfigureAwait(false);
        }

        var ordered = new RecipientResult[identities.Count];
        for (var i = 0; i < identities.Count; i++)
        {
            ordered[i] = final[identities[i]];
        }

        return ordered;
    }

    private static bool HasTransientFailure(IReadOnlyList<RecipientResult> results)
    {
        foreach (var result in results)
        {
            if (!result.Succeeded && result.IsTransient)
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<IReadOnlyList<RecipientResult>> SendOnceAsync(
        BackendBase backend,
        OutgoingMessage message,
        IReadOnlyList<string> identities,
        int attempt,
        CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        string? errorType = null;
        try
        {
            SendResult result;
            try
            {
                result = await backend.SendAsync(message, identities, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                errorType = "cancelled";
                throw;
            }
            catch (Exception ex)
            {
                errorType = ex.GetType().Name;
                Log.SendThrew(_logger, ex, backend.Name, message.Id, attempt);
                var transient = IsTransient(ex);
                return identities.Select(i => RecipientResult.Failed(i, ex.Message, transient) with { Backend = backend.Name }).ToArray();
            }

            // Match results to what was asked; an identity the backend forgot counts as failed.
            // Backends usually answer in the order asked, so look there before building an index.
            var returned = result?.Recipients ?? [];
            Dictionary<string, RecipientResult>? byIdentity = null;
            var ordered = new RecipientResult[identities.Count];
            var failed = 0;
            string? firstError = null;
            for (var i = 0; i < identities.Count; i++)
            {
                RecipientResult? recipient;
                if (i < returned.Count && string.Equals(returned[i].Identity, identities[i], StringComparison.Ordinal))
                {
                    recipient = returned[i];
                }
                else
                {
                    if (byIdentity is null)
                    {
                        byIdentity = new Dictionary<string, RecipientResult>(StringComparer.Ordinal);
                        foreach (var r in returned)
                        {
                            byIdentity.TryAdd(r.Identity, r);
                        }
                    }

                    byIdentity.TryGetValue(identities[i], out recipient);
                }

                if (recipient is null)
                {
                    Log.MissingRecipientResult(_logger, backend.Name, message.Id);
                    recipient = RecipientResult.Failed(identities[i], "The backend returned no result for this recipient.");
                }

                if (!recipient.Succeeded)
                {
                    failed++;
                    firstError ??= recipient.Error;
                }

                ordered[i] = recipient.Backend is null ? recipient with { Backend = backend.Name } : recipient;
            }

            if (failed > 0)
            {
                errorType = "partial";
                Log.SendFailed(_logger, backend.Name, message.Id, failed, attempt, firstError ?? "unknown error");
            }

            return ordered;
        }
        finally
        {
            if (_metrics.SendDuration.Enabled)
            {
                var elapsed = _time.GetElapsedTime(start).TotalSeconds;
                if (errorType is null)
                {
                    _metrics.SendDuration.Record(elapsed, RouterMetrics.Backend(backend.Name));
                }
                else
                {
                    _metrics.SendDuration.Record(elapsed, RouterMetrics.Backend(backend.Name), new(RapidSmsTelemetry.ErrorTypeTag, errorType));
                }
            }
        }
    }

    private AppSet ResolveApps()
    {
        lock (_appsGate)
        {
            if (_appSet is { } resolved)
            {
                return resolved;
            }

            var apps = _services.GetServices<IApp>().ToArray();

            // Apps that observe delivery reports come first, in app order, then other observers.
            var observers = apps.OfType<IDeliveryReportObserver>()
                .Concat(_services.GetServices<IDeliveryReportObserver>().Where(o => o is not IApp app || !apps.Contains(app)))
                .ToArray();
            var set = new AppSet(apps, observers);
            Volatile.Write(ref _appSet, set);
            return set;
        }
    }

    /// <summary>The apps and delivery report observers, resolved together and published at once.</summary>
    private sealed record AppSet(IApp[] Apps, IDeliveryReportObserver[] Observers);

    private static List<(string Backend, IReadOnlyList<string> Identities)> GroupByBackend(IReadOnlyList<Connection> connections)
    {
        var groups = new List<(string Backend, IReadOnlyList<string> Identities)>(1);
        if (connections.Count == 1)
        {
            groups.Add((connections[0].Backend, [connections[0].Identity]));
            return groups;
        }

        // All on one backend with no repeats (a broadcast from one modem): no index needed.
        var backend = connections[0].Backend;
        var simple = true;
        for (var i = 1; i < connections.Count && simple; i++)
        {
            simple = string.Equals(connections[i].Backend, backend, StringComparison.Ordinal);
        }

        if (simple && connections.Count <= 16)
        {
            var identities = new string[connections.Count];
            for (var i = 0; i < identities.Length && simple; i++)
            {
                identities[i] = connections[i].Identity;
                for (var j = 0; j < i && simple; j++)
                {
                    simple = !string.Equals(identities[j], identities[i], StringComparison.Ordinal);
                }
            }

            if (simple)
            {
                groups.Add((backend, identities));
                return groups;
            }
        }

        // First-seen order of backends, and of identities within each; duplicates are sent once.
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var connection in connections)
        {
            if (!index.TryGetValue(connection.Backend, out var list))
            {
                list = [];
                index.Add(connection.Backend, list);
                groups.Add((connection.Backend, list));
            }

            if (!list.Contains(connection.Identity, StringComparer.Ordinal))
            {
                list.Add(connection.Identity);
            }
        }

        return groups;
    }

    /// <summary>The one place that decides whether a failure is worth retrying.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        BackendException backend => backend.IsTransient,
        TimeoutException or IOException or SocketException or HttpRequestException => true,
        OperationCanceledException => true, // a timeout inside the backend, not our cancellation
        _ => false,
    };

    private static bool IsAppFault(Exception exception, CancellationToken cancellationToken) =>
        !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private void AppFailed(IApp app, string phase, MessageBase message, Exception exception)
    {
        _metrics.AppErrors.Add(
            1,
            new KeyValuePair<string, object?>(RapidSmsTelemetry.AppTag, app.Name),
            new KeyValuePair<string, object?>(RapidSmsTelemetry.PhaseTag, phase),
            new KeyValuePair<string, object?>(RapidSmsTelemetry.ErrorTypeTag, exception.GetType().Name));
        Log.AppFailed(_logger, exception, app.Name, phase, message.Id);
    }

    private void RecordPhase(string phase, long start)
    {
        if (_metrics.PhaseDuration.Enabled)
        {
            _metrics.PhaseDuration.Record(_time.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>(RapidSmsTelemetry.PhaseTag, phase));
        }
    }

    private static string StatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => "queued",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Failed => "failed",
        DeliveryStatus.Expired => "expired",
        DeliveryStatus.Rejected => "rejected",
        _ => "unknown",
    };
}
