namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// Collects the parts of long messages per (sender, reference, total) until every part is in, in any order,
/// and remembers since when each message has been waiting so that one whose other parts never come can be
/// given up on.
/// </summary>
internal sealed class PartCollector<T>
{
    private readonly Dictionary<(string Sender, int Reference, int Total, bool Wide), Group> _groups = [];

    public int PendingParts => _groups.Values.Sum(g => g.Parts.Count);

    /// <summary>Every part still waiting for the rest of its message.</summary>
    public IEnumerable<T> Pending => _groups.Values.SelectMany(g => g.Parts.Values);

    /// <summary>When the message that has waited longest started waiting, or <see langword="null"/> when none waits.</summary>
    public DateTimeOffset? OldestWaitingSince => _groups.Count == 0 ? null : _groups.Values.Min(g => g.Since);

    /// <summary>Adds a part; returns every part in order once the last one arrived, <see langword="null"/> until then. A repeated part replaces the earlier copy.</summary>
    /// <param name="sender">Who sent it.</param>
    /// <param name="info">The part's concatenation details.</param>
    /// <param name="part">The part.</param>
    /// <param name="since">Since when this part has been waiting (the earliest of its parts counts for the message).</param>
    public IReadOnlyList<T>? Add(string sender, ConcatenationInfo info, T part, DateTimeOffset since = default)
    {
        var key = (sender, info.Reference, info.Total, info.Is16BitReference);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new Group(sender, info.Reference, info.Total, since);
            _groups[key] = group;
        }
        else if (since < group.Since)
        {
            group.Since = since;
        }

        group.Parts[info.Sequence] = part;
        if (group.Parts.Count < info.Total)
        {
            return null;
        }

        _groups.Remove(key);
        return [.. group.Parts.Values];
    }

    /// <summary>Removes and returns the messages that started waiting at or before <paramref name="cutoff"/>, with the parts they have.</summary>
    public IReadOnlyList<IncompleteMessage<T>> TakeWaitingSince(DateTimeOffset cutoff)
    {
        var keys = _groups.Where(g => g.Value.Since <= cutoff).Select(g => g.Key).ToList();
        var taken = new List<IncompleteMessage<T>>(keys.Count);
        foreach (var key in keys)
        {
            var group = _groups[key];
            _groups.Remove(key);
            taken.Add(new IncompleteMessage<T>(
                group.Sender,
                group.Reference,
                group.Total,
                [.. group.Parts.Values],
                [.. Enumerable.Range(1, group.Total).Where(sequence => !group.Parts.ContainsKey(sequence))]));
        }

        return taken;
    }

    /// <summary>Drops the parts <paramref name="drop"/> picks, and the messages left with none.</summary>
    public void RemoveWhere(Func<T, bool> drop)
    {
        foreach (var (key, group) in _groups.ToList())
        {
            foreach (var sequence in group.Parts.Where(p => drop(p.Value)).Select(p => p.Key).ToList())
            {
                group.Parts.Remove(sequence);
            }

            if (group.Parts.Count == 0)
            {
                _groups.Remove(key);
            }
        }
    }

    public void Clear() => _groups.Clear();

    private sealed class Group(string sender, int reference, int total, DateTimeOffset since)
    {
        public string Sender { get; } = sender;

        public int Reference { get; } = reference;

        public int Total { get; } = total;

        public DateTimeOffset Since { get; set; } = since;

        public SortedDictionary<int, T> Parts { get; } = [];
    }
}
