namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>Collects the parts of long messages per (sender, reference, total) until every part is in, in any order.</summary>
internal sealed class PartCollector<T>
{
    private readonly Dictionary<(string Sender, int Reference, int Total, bool Wide), SortedDictionary<int, T>> _groups = [];

    public int PendingParts => _groups.Values.Sum(g => g.Count);

    /// <summary>Adds a part; returns every part in order once the last one arrived, <see langword="null"/> until then. A repeated part replaces the earlier copy.</summary>
    public IReadOnlyList<T>? Add(string sender, ConcatenationInfo info, T part)
    {
        var key = (sender, info.Reference, info.Total, info.Is16BitReference);
        if (!_groups.TryGetValue(key, out var parts))
        {
            parts = [];
            _groups[key] = parts;
        }

        parts[info.Sequence] = part;
        if (parts.Count < info.Total)
        {
            return null;
        }

        _groups.Remove(key);
        return [.. parts.Values];
    }

    public void Clear() => _groups.Clear();
}
