namespace RapidSms.Backends.Smpp;

/// <summary>
/// An outgoing message to one recipient, possibly in several parts: collects the parts' final states and
/// reports once, when every part has one (the worst state wins).
/// </summary>
internal sealed class TrackedMessage(string messageId, string identity, int parts)
{
    private readonly Lock _gate = new();
    private readonly DeliveryStatus?[] _states = new DeliveryStatus?[parts];
    private int _final;
    private bool _reported;

    public string MessageId { get; } = messageId;

    public string Identity { get; } = identity;

    public int Parts { get; } = parts;

    public string?[] SmscIds { get; } = new string?[parts];

    public bool IsFinal
    {
        get
        {
            lock (_gate)
            {
                return _reported;
            }
        }
    }

    /// <summary>Records a part's state; returns the state to report now, or <see langword="null"/> to wait for the other parts.</summary>
    public DeliveryStatus? Record(int index, DeliveryStatus status, bool isFinal)
    {
        lock (_gate)
        {
            if (_reported)
            {
                return null;
            }

            if (Parts == 1)
            {
                _reported = isFinal;
                return status;
            }

            if (!isFinal)
            {
                return null;
            }

            if (_states[index] is null)
            {
                _final++;
            }

            _states[index] = status;
            if (_final < Parts)
            {
                return null;
            }

            _reported = true;
            var worst = DeliveryStatus.Delivered;
            foreach (var state in _states)
            {
                if (state is { } s && Rank(s) > Rank(worst))
                {
                    worst = s;
                }
            }

            return worst;
        }
    }

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => 0,
        DeliveryStatus.Unknown => 1,
        DeliveryStatus.Expired => 2,
        DeliveryStatus.Failed => 3,
        _ => 4,
    };
}
