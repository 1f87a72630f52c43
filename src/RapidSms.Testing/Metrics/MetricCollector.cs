using System.Diagnostics.Metrics;

namespace RapidSms.Testing;

/// <summary>
/// Collects the measurements of one instrument, through a <see cref="MeterListener"/>, for tests to
/// inspect. Thread-safe; dispose it to stop listening.
/// </summary>
/// <remarks>
/// <para>Meters made by an <see cref="IMeterFactory"/> carry the factory as their
/// <see cref="Meter.Scope"/>. Pass the factory of the service provider under test as the scope and the
/// collector sees only that provider's instruments, even when other tests running at the same time
/// publish instruments with the same names.</para>
/// <para>Instruments created after the collector are collected too.</para>
/// </remarks>
/// <typeparam name="T">The instrument's value type: <see cref="byte"/>, <see cref="short"/>, <see cref="int"/>,
/// <see cref="long"/>, <see cref="float"/>, <see cref="double"/> or <see cref="decimal"/>.</typeparam>
/// <example>
/// <code>
/// var meterFactory = tester.Services.GetRequiredService&lt;IMeterFactory&gt;();
/// using var received = new MetricCollector&lt;long&gt;(meterFactory, RapidSmsTelemetry.Name, RapidSmsTelemetry.MessagesReceived);
/// await tester.SendAsync("+256700000001", "ping");
/// Assert.Equal(1, received.Sum());
/// </code>
/// </example>
public sealed class MetricCollector<T> : IDisposable
    where T : struct
{
    private readonly Lock _gate = new();
    private readonly List<CollectedMeasurement<T>> _measurements = [];
    private readonly CountWaiters _waiters = new();
    private readonly MeterListener _listener;
    private readonly TimeProvider _timeProvider;
    private readonly object? _scope;
    private readonly Meter? _meter;
    private readonly string _meterName;
    private readonly string _instrumentName;
    private bool _disposed;

    /// <summary>Collects an instrument from every meter with a given name.</summary>
    /// <param name="meterName">The meter's name, such as <c>RapidSms</c>.</param>
    /// <param name="instrumentName">The instrument's name, such as <c>rapidsms.messages.received</c>.</param>
    /// <param name="timeProvider">Timestamps measurements; <see langword="null"/> for the system clock.</param>
    public MetricCollector(string meterName, string instrumentName, TimeProvider? timeProvider = null)
        : this(scope: null, meter: null, meterName, instrumentName, timeProvider, scoped: false)
    {
    }

    /// <summary>Collects an instrument from the meters with a given name and scope.</summary>
    /// <param name="meterScope">The meters' <see cref="Meter.Scope"/>: for meters made by an
    /// <see cref="IMeterFactory"/>, that factory. <see langword="null"/> matches only meters without a scope.</param>
    /// <param name="meterName">The meter's name, such as <c>RapidSms</c>.</param>
    /// <param name="instrumentName">The instrument's name, such as <c>rapidsms.messages.received</c>.</param>
    /// <param name="timeProvider">Timestamps measurements; <see langword="null"/> for the system clock.</param>
    public MetricCollector(object? meterScope, string meterName, string instrumentName, TimeProvider? timeProvider = null)
        : this(meterScope, meter: null, meterName, instrumentName, timeProvider, scoped: true)
    {
    }

    /// <summary>Collects an instrument of one meter.</summary>
    /// <param name="meter">The meter.</param>
    /// <param name="instrumentName">The instrument's name.</param>
    /// <param name="timeProvider">Timestamps measurements; <see langword="null"/> for the system clock.</param>
    public MetricCollector(Meter meter, string instrumentName, TimeProvider? timeProvider = null)
        : this(scope: null, meter ?? throw new ArgumentNullException(nameof(meter)), meter.Name, instrumentName, timeProvider, scoped: false)
    {
    }

    private MetricCollector(object? scope, Meter? meter, string meterName, string instrumentName, TimeProvider? timeProvider, bool scoped)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterName);
        ArgumentException.ThrowIfNullOrEmpty(instrumentName);
        if (!IsSupported)
        {
            throw new NotSupportedException($"Instruments do not record {typeof(T).Name}: use byte, short, int, long, float, double or decimal.");
        }

        _scope = scope;
        _meter = meter;
        _meterName = meterName;
        _instrumentName = instrumentName;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (Matches(instrument, scoped))
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        _listener.SetMeasurementEventCallback<T>(static (instrument, value, tags, state) =>
            ((MetricCollector<T>)state!).Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>A snapshot of the measurements collected so far, oldest first.</summary>
    public IReadOnlyList<CollectedMeasurement<T>> Measurements
    {
        get
        {
            lock (_gate)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>How many measurements are collected.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _measurements.Count;
            }
        }
    }

    /// <summary>The most recent measurement, or <see langword="null"/> when there is none.</summary>
    public CollectedMeasurement<T>? LastMeasurement
    {
        get
        {
            lock (_gate)
            {
                return _measurements.Count == 0 ? null : _measurements[^1];
            }
        }
    }

    private static bool IsSupported =>
        typeof(T) == typeof(byte) || typeof(T) == typeof(short) || typeof(T) == typeof(int) || typeof(T) == typeof(long)
        || typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(decimal);

    /// <summary>The sum of the collected values: the total of a counter.</summary>
    public T Sum() => Sum(static _ => true);

    /// <summary>The sum of the collected values that match a filter, such as a tag.</summary>
    /// <param name="filter">Which measurements to add up, such as <c>m => m.HasTag("rapidsms.backend", "zain")</c>.</param>
    public T Sum(Func<CollectedMeasurement<T>, bool> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var values = Measurements.Where(filter).Select(m => (object)m.Value).ToList();
        object total = typeof(T) switch
        {
            var t when t == typeof(long) => values.Sum(v => (long)v),
            var t when t == typeof(int) => values.Sum(v => (int)v),
            var t when t == typeof(short) => (short)values.Sum(v => (short)v),
            var t when t == typeof(byte) => (byte)values.Sum(v => (byte)v),
            var t when t == typeof(double) => values.Sum(v => (double)v),
            var t when t == typeof(float) => values.Sum(v => (float)v),
            _ => values.Sum(v => (decimal)v),
        };
        return (T)total;
    }

    /// <summary>Forgets every collected measurement.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _measurements.Clear();
        }
    }

    /// <summary>Asks observable instruments (gauges, observable counters) for their values now and collects them.</summary>
    public void RecordObservableInstruments()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        _listener.RecordObservableInstruments();
    }

    /// <summary>
    /// Waits until at least <paramref name="minCount"/> measurements are collected (counting from the
    /// last <see cref="Clear"/>). Completes as soon as the measurement is recorded; nothing polls.
    /// </summary>
    /// <param name="minCount">How many measurements to wait for.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The measurements at that point.</returns>
    public async Task<IReadOnlyList<CollectedMeasurement<T>>> WaitForMeasurementsAsync(int minCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minCount);
        TaskCompletionSource signal;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_measurements.Count >= minCount)
            {
                return [.. _measurements];
            }

            signal = _waiters.Add(minCount);
        }

        try
        {
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(signal);
            }
        }

        return Measurements;
    }

    /// <summary>
    /// Asks the observable instruments for their values, again every few milliseconds, until one reading has every
    /// series satisfying <paramref name="condition"/>: for a gauge that changes on its own schedule, such as a link
    /// coming up. Every reading stays in <see cref="Measurements"/>.
    /// </summary>
    /// <param name="condition">What each series of the reading must satisfy, such as <c>v => v == 1</c>.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The measurements of the reading that satisfied the condition, one per series.</returns>
    public async Task<IReadOnlyList<CollectedMeasurement<T>>> WaitForObservedValueAsync(Func<T, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var before = Count;
            RecordObservableInstruments();
            var reading = Measurements.Skip(before).ToList();
            if (reading.Count > 0 && reading.TrueForAll(m => condition(m.Value)))
            {
                return reading;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening. Pending waits fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<TaskCompletionSource> pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = _waiters.TakeAll();
        }

        _listener.Dispose();
        foreach (var signal in pending)
        {
            signal.TrySetException(new ObjectDisposedException(GetType().Name));
        }
    }

    private bool Matches(Instrument instrument, bool scoped) =>
        instrument is Instrument<T> or ObservableInstrument<T>
        && string.Equals(instrument.Name, _instrumentName, StringComparison.Ordinal)
        && string.Equals(instrument.Meter.Name, _meterName, StringComparison.Ordinal)
        && (_meter is null || ReferenceEquals(instrument.Meter, _meter))
        && (!scoped || ReferenceEquals(instrument.Meter.Scope, _scope));

    private void Record(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>(tags.Length, StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        var measurement = new CollectedMeasurement<T>(value, dictionary, _timeProvider.GetUtcNow(), instrument);
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _measurements.Add(measurement);
            ready = _waiters.TakeReady(_measurements.Count);
        }

        ready?.ForEach(s => s.TrySetResult());
    }
}
