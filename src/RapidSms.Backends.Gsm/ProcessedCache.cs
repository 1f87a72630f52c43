namespace RapidSms.Backends.Gsm;

/// <summary>A bounded set of keys, oldest forgotten first: the messages this backend already routed.</summary>
internal sealed class ProcessedCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool Contains(string key)
    {
        lock (_gate)
        {
            return _keys.Contains(key);
        }
    }

    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_keys.Add(key))
            {
                return;
            }

            _order.Enqueue(key);
            while (_order.Count > capacity)
            {
                _keys.Remove(_order.Dequeue());
            }
        }
    }
}
