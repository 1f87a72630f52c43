using System.Globalization;

namespace RapidSms.Backends.Smpp;

/// <summary>
/// Remembers which outgoing message and recipient each SMSC message id belongs to, so receipts can be
/// correlated. Ids are normalised (case, leading zeros) and a hexadecimal id is also filed under its decimal
/// value, because some SMSCs answer in hex and report in decimal. Bounded: the oldest entries are forgotten.
/// </summary>
internal sealed class ReceiptTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackedPart> _parts = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, List<TaskCompletionSource<TrackedPart>>> _waiters = new(StringComparer.Ordinal);
    private readonly int _capacity;

    public ReceiptTracker(int capacity) => _capacity = capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _parts.Count;
            }
        }
    }

    /// <summary>Files a part under the id the SMSC gave it. Called on the read loop before the next PDU is read.</summary>
    public void Register(string smscId, TrackedPart part) => Register(smscId, part, recipient: null);

    /// <summary>
    /// Files a part under the id the SMSC gave it and the recipient's address: submit_multi gives one id to all
    /// its recipients, and their receipts differ only by their source address.
    /// </summary>
    public void Register(string smscId, TrackedPart part, string? recipient)
    {
        List<TaskCompletionSource<TrackedPart>>? ready = null;
        lock (_gate)
        {
            foreach (var key in Keys(smscId, recipient))
            {
                _parts[key] = part;
                _order.Enqueue(key);
                if (_waiters.Remove(key, out var waiting))
                {
                    (ready ??= []).AddRange(waiting);
                }
            }

            // A part is filed under up to two keys. Forget the oldest first; the queue is trimmed too, so ids
            // filed again and again cannot grow it.
            while (_parts.Count > _capacity * 2 || _order.Count > _capacity * 4)
            {
                if (!_order.TryDequeue(out var old))
                {
                    break;
                }

                _parts.Remove(old);
            }
        }

        ready?.ForEach(w => w.TrySetResult(part));
    }

    public bool TryFind(string receiptId, out TrackedPart part) => TryFind(receiptId, recipient: null, out part);

    /// <summary>Finds the part by id alone, else by id and the receipt's source address (a submit_multi recipient).</summary>
    public bool TryFind(string receiptId, string? recipient, out TrackedPart part)
    {
        lock (_gate)
        {
            foreach (var key in LookupKeys(receiptId, recipient))
            {
                if (_parts.TryGetValue(key, out part!))
                {
                    return true;
                }
            }

            part = null!;
            return false;
        }
    }

    /// <summary>Waits for <paramref name="receiptId"/> to be registered (its receipt overtook the submit_sm_resp).</summary>
    public Task<TrackedPart?> WaitForAsync(string receiptId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitForAsync(receiptId, null, timeout, time, cancellationToken);

    /// <summary>Waits for <paramref name="receiptId"/>, alone or with <paramref name="recipient"/>, to be registered.</summary>
    public async Task<TrackedPart?> WaitForAsync(string receiptId, string? recipient, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<TrackedPart>(TaskCreationOptions.RunContinuationsAsynchronously);
        var keys = LookupKeys(receiptId, recipient).ToList();

        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_parts.TryGetValue(key, out var part))
                {
                    return part;
                }
            }

            foreach (var key in keys)
            {
                if (!_waiters.TryGetValue(key, out var list))
                {
                    _waiters[key] = list = [];
                }

                list.Add(waiter);
            }
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (_gate)
            {
                foreach (var key in keys)
                {
                    if (_waiters.TryGetValue(key, out var list))
                    {
                        list.Remove(waiter);
                        if (list.Count == 0)
                        {
                            _waiters.Remove(key);
                        }
                    }
                }
            }
        }
    }

    internal static string Normalize(string id)
    {
        var trimmed = id.Trim().TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed.ToLowerInvariant();
    }

    private static IEnumerable<string> Keys(string smscId, string? recipient = null)
    {
        var normal = Normalize(smscId);
        var suffix = recipient is null ? string.Empty : "@" + recipient;
        yield return normal + suffix;
        if (TryHexAsDecimal(normal, out var asDecimal) && asDecimal != normal)
        {
            yield return asDecimal + suffix;
        }
    }

    private static IEnumerable<string> LookupKeys(string receiptId, string? recipient) =>
        recipient is null ? Keys(receiptId) : Keys(receiptId).Concat(Keys(receiptId, recipient));

    private static bool TryHexAsDecimal(string normal, out string asDecimal)
    {
        if (normal.Length <= 16 && ulong.TryParse(normal, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            asDecimal = value.ToString(CultureInfo.InvariantCulture);
            return true;
        }

        asDecimal = string.Empty;
        return false;
    }
}
