namespace RapidSms.Backends.Smpp;

/// <summary>One submitted part, and the message and recipient it belongs to.</summary>
internal sealed class TrackedPart(TrackedMessage message, int index)
{
    public TrackedMessage Message { get; } = message;

    public int Index { get; } = index;

    public bool IsFinal => Message.IsFinal;
}
