using System.Diagnostics.Metrics;

namespace RapidSms.Testing;

/// <summary>One measurement captured by <see cref="MetricCollector{T}"/>.</summary>
/// <typeparam name="T">The instrument's value type.</typeparam>
public sealed class CollectedMeasurement<T>
    where T : struct
{
    internal CollectedMeasurement(T value, IReadOnlyDictionary<string, object?> tags, DateTimeOffset timestamp, Instrument instrument)
    {
        Value = value;
        Tags = tags;
        Timestamp = timestamp;
        Instrument = instrument;
    }

    /// <summary>The measured value.</summary>
    public T Value { get; }

    /// <summary>The measurement's tags; keys compare ordinally.</summary>
    public IReadOnlyDictionary<string, object?> Tags { get; }

    /// <summary>When it was recorded, by the collector's clock.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The instrument that recorded it.</summary>
    public Instrument Instrument { get; }

    /// <summary>Whether the measurement has a tag with a given value (compared with <see cref="object.Equals(object, object)"/>).</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">The expected value.</param>
    public bool HasTag(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Tags.TryGetValue(key, out var actual) && Equals(actual, value);
    }

    /// <summary>Returns the value and tags, for test failure output.</summary>
    public override string ToString() =>
        $"{Value} {{{string.Join(", ", Tags.Select(t => $"{t.Key}={t.Value}"))}}}";
}
