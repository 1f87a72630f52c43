namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// Reassembles long messages from their parts, which may arrive in any order; parts are matched by
/// sender, reference (8- or 16-bit) and part count. Not thread-safe.
/// </summary>
public sealed class ConcatenatedMessageAssembler
{
    private readonly PartCollector<string> _parts = new();

    /// <summary>How many parts are waiting for the rest of their message.</summary>
    public int PendingParts => _parts.PendingParts;

    /// <summary>Adds one part.</summary>
    /// <param name="sender">Who sent it (or, for outgoing messages, the recipient).</param>
    /// <param name="part">The part's concatenation details.</param>
    /// <param name="text">The part's text.</param>
    /// <returns>The whole text once every part is in; <see langword="null"/> until then.</returns>
    public string? Add(string sender, ConcatenationInfo part, string text)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(text);
        return _parts.Add(sender, part, text) is { } parts ? string.Concat(parts) : null;
    }

    /// <summary>Forgets every waiting part.</summary>
    public void Clear() => _parts.Clear();
}
