using Microsoft.Extensions.Logging;

namespace RapidSms.Testing;

/// <summary>
/// A logger provider that keeps every entry in memory, for tests to inspect. Thread-safe.
/// </summary>
/// <remarks>
/// Add it to a host with <c>builder.Logging.AddProvider(provider)</c>, or get a standalone factory with
/// <see cref="CreateLoggerFactory"/>. Filtering by level happens in the logger factory as usual
/// (a host defaults to <see cref="LogLevel.Information"/>); <see cref="MinimumLevel"/> filters further.
/// Disposing the provider keeps the records, so a test can read them after its host is gone.
/// </remarks>
/// <example>
/// <code>
/// var logs = new ListLoggerProvider();
/// using var factory = logs.CreateLoggerFactory();
/// factory.CreateLogger("Test").LogWarning("Modem {Port} is slow", "/dev/ttyUSB0");
/// var record = await logs.WaitForAsync(r => r.Level == LogLevel.Warning, cancellationToken);
/// </code>
/// </example>
public sealed class ListLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly Lock _gate = new();
    private readonly List<LogRecord> _records = [];
    private readonly List<Waiter> _waiters = [];
    private readonly TimeProvider _timeProvider;
    private IExternalScopeProvider _scopeProvider = new LoggerExternalScopeProvider();

    /// <summary>Creates a provider that timestamps entries with the system clock.</summary>
    public ListLoggerProvider()
        : this(null)
    {
    }

    /// <summary>Creates a provider that timestamps entries with a given clock.</summary>
    /// <param name="timeProvider">The clock, such as a <see cref="ManualTimeProvider"/>; <see langword="null"/> for the system clock.</param>
    public ListLoggerProvider(TimeProvider? timeProvider)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The lowest level recorded, on top of the logger factory's own filters. Defaults to <see cref="LogLevel.Trace"/>.</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Trace;

    /// <summary>A snapshot of the entries recorded so far, oldest first.</summary>
    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>How many entries are recorded.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>The most recent entry, or <see langword="null"/> when there is none.</summary>
    public LogRecord? LatestRecord
    {
        get
        {
            lock (_gate)
            {
                return _records.Count == 0 ? null : _records[^1];
            }
        }
    }

    /// <summary>Forgets every recorded entry.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return new ListLogger(this, categoryName);
    }

    /// <summary>
    /// Creates a logger factory that writes to this provider only, at every level: for code under test
    /// that takes an <see cref="ILoggerFactory"/> outside a host. Dispose the factory when done.
    /// </summary>
    public ILoggerFactory CreateLoggerFactory() =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    /// <summary>
    /// Returns the first entry that matches <paramref name="predicate"/>: one already recorded, or the
    /// next one to arrive. Completes as soon as it is logged; nothing polls.
    /// </summary>
    /// <param name="predicate">Which entry to wait for. Called on the logging thread, without a lock held.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The matching entry.</returns>
    public async Task<LogRecord> WaitForAsync(Func<LogRecord, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var waiter = new Waiter(predicate);
        LogRecord[] existing;
        lock (_gate)
        {
            // Register first, then look at what is there: an entry logged in between is seen by one or the other.
            _waiters.Add(waiter);
            existing = [.. _records];
        }

        try
        {
            foreach (var record in existing)
            {
                if (predicate(record))
                {
                    waiter.Signal.TrySetResult(record);
                    break;
                }
            }

            return await waiter.Signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopeProvider = scopeProvider;
    }

    /// <summary>Does nothing: the records stay readable after the host that logged them is disposed.</summary>
    public void Dispose()
    {
    }

    private void Add(LogRecord record)
    {
        Waiter[] waiters;
        lock (_gate)
        {
            _records.Add(record);
            if (_waiters.Count == 0)
            {
                return;
            }

            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            if (!waiter.Signal.Task.IsCompleted && waiter.Predicate(record))
            {
                waiter.Signal.TrySetResult(record);
            }
        }
    }

    private sealed class Waiter(Func<LogRecord, bool> predicate)
    {
        public Func<LogRecord, bool> Predicate { get; } = predicate;

        public TaskCompletionSource<LogRecord> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopeProvider.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel))
            {
                return;
            }

            IReadOnlyList<KeyValuePair<string, object?>> pairs = state is IEnumerable<KeyValuePair<string, object?>> values ? [.. values] : [];
            var scopes = new List<object?>();
            provider._scopeProvider.ForEachScope(static (scope, list) => list.Add(scope), scopes);
            var record = new LogRecord(
                provider._timeProvider.GetUtcNow(),
                category,
                logLevel,
                eventId,
                formatter(state, exception),
                exception,
                pairs,
                scopes);
            provider.Add(record);
        }
    }
}
