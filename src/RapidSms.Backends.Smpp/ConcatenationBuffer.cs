using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>
/// Collects the parts of incoming concatenated messages (in any order) on one link until all have arrived or
/// the reassembly timeout passes. The parts stay unanswered until the whole message is accepted, unless the
/// SMSC stalls waiting for their answers (<see cref="TakeStalled"/>).
/// </summary>
internal sealed class ConcatenationBuffer(TimeProvider time, TimeSpan timeout, int maxMessages = ConcatenationBuffer.DefaultMaxMessages)
{
    /// <summary>How many incomplete messages one link holds at most; beyond that the oldest is given up early.</summary>
    public const int DefaultMaxMessages = 1000;

    private readonly Dictionary<(string From, string To, ushort Reference, byte Total), Entry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds a part; returns the entry when the message is complete.</summary>
    public Entry? Add(string from, string to, SmppConcatenation concatenation, string text, SmppPdu pdu)
    {
        var key = (from, to, concatenation.Reference, concatenation.Total);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(from, concatenation.Reference, concatenation.Total, time.GetTimestamp(), pdu);
            _entries[key] = entry;
        }

        entry.LastArrival = time.GetTimestamp();

        if (entry.Texts[concatenation.Sequence - 1] is null)
        {
            entry.Received++;
        }

        // A part the SMSC sent again replaces the earlier copy; both get answered.
        entry.Texts[concatenation.Sequence - 1] = text;
        entry.Pdus.Add(pdu);
        if (entry.Received < entry.Total)
        {
            return null;
        }

        _entries.Remove(key);
        return entry;
    }

    /// <summary>
    /// Removes and returns the entries older than the timeout, and the oldest beyond the bound on incomplete
    /// messages (an SMSC sending first parts that are never completed cannot grow the buffer without limit).
    /// </summary>
    public List<Entry>? TakeExpired()
    {
        List<Entry>? expired = null;
        foreach (var (key, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.Started) >= timeout)
            {
                (expired ??= []).Add(entry);
                _entries.Remove(key);
            }
        }

        if (_entries.Count > maxMessages)
        {
            foreach (var (key, entry) in _entries.OrderBy(e => e.Value.Started).Take(_entries.Count - maxMessages).ToList())
            {
                (expired ??= []).Add(entry);
                _entries.Remove(key);
            }
        }

        return expired;
    }

    /// <summary>
    /// Takes the unanswered parts of messages to which no part was added for <paramref name="after"/>: the SMSC may be
    /// waiting for their answers before it sends the next part. The entries stay, to be completed.
    /// </summary>
    public List<SmppPdu>? TakeStalled(TimeSpan after)
    {
        List<SmppPdu>? stalled = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.Pdus.Count > 0 && time.GetElapsedTime(entry.LastArrival) >= after)
            {
                (stalled ??= []).AddRange(entry.Pdus);
                entry.Pdus.Clear();
            }
        }

        return stalled;
    }

    /// <summary>Removes and returns every entry (the link is stopping: their parts are refused).</summary>
    public List<Entry> TakeAll()
    {
        var all = _entries.Values.ToList();
        _entries.Clear();
        return all;
    }

    public sealed class Entry(string from, ushort reference, byte total, long started, SmppPdu first)
    {
        /// <summary>The first part that arrived (for the fields of the joined message).</summary>
        public SmppPdu First { get; } = first;

        public long LastArrival { get; set; } = started;

        public string From { get; } = from;

        public ushort Reference { get; } = reference;

        public byte Total { get; } = total;

        public long Started { get; } = started;

        public string?[] Texts { get; } = new string?[total];

        /// <summary>The parts not answered yet.</summary>
        public List<SmppPdu> Pdus { get; } = [];

        public int Received { get; set; }

        public string Text => string.Concat(Texts);
    }
}
