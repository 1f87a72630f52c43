using System.Globalization;
using Microsoft.Extensions.Logging;

namespace RapidSms.Testing;

/// <summary>One log entry captured by <see cref="ListLoggerProvider"/>.</summary>
public sealed class LogRecord
{
    /// <summary>The state key under which <c>[LoggerMessage]</c> and <c>LogInformation("…")</c> keep the message template.</summary>
    public const string OriginalFormatKey = "{OriginalFormat}";

    internal LogRecord(
        DateTimeOffset timestamp,
        string category,
        LogLevel level,
        EventId eventId,
        string message,
        Exception? exception,
        IReadOnlyList<KeyValuePair<string, object?>> state,
        IReadOnlyList<object?> scopes)
    {
        Timestamp = timestamp;
        Category = category;
        Level = level;
        EventId = eventId;
        Message = message;
        Exception = exception;
        State = state;
        Scopes = scopes;
    }

    /// <summary>When the entry was logged, by the provider's clock.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The logger's category, usually the full name of the type that logged.</summary>
    public string Category { get; }

    /// <summary>The entry's level.</summary>
    public LogLevel Level { get; }

    /// <summary>The entry's event id and name.</summary>
    public EventId EventId { get; }

    /// <summary>The formatted message.</summary>
    public string Message { get; }

    /// <summary>The exception logged with the entry, if any.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// The structured state as key/value pairs, in the order the logger gave them: one per message
    /// template placeholder, plus <see cref="OriginalFormatKey"/>. Empty when the state was not a list of pairs.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> State { get; }

    /// <summary>The scopes active when the entry was logged, outermost first.</summary>
    public IReadOnlyList<object?> Scopes { get; }

    /// <summary>The message template, such as <c>"Incoming message {MessageId} from {Backend}"</c>, when the logger gave one.</summary>
    public string? MessageTemplate => TryGetStateValue(OriginalFormatKey, out var value) ? value as string : null;

    /// <summary>Finds a value in <see cref="State"/>.</summary>
    /// <param name="key">The key, such as a placeholder name; compared ordinally.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns>Whether the state has the key.</returns>
    public bool TryGetStateValue(string key, out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var pair in State)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Returns a value from <see cref="State"/>, or <see langword="null"/> when the key is absent.</summary>
    /// <param name="key">The key, such as a placeholder name; compared ordinally.</param>
    public object? GetStateValue(string key) => TryGetStateValue(key, out var value) ? value : null;

    /// <summary>Returns the level, category, event id and message, for test failure output.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Level} {Category}[{EventId.Id}]: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}");
}
