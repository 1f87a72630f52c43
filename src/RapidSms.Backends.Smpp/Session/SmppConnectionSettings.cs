using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Session;

/// <summary>What a connection needs from the options, fixed for its lifetime.</summary>
internal sealed record SmppConnectionSettings(
    string SystemId,
    string Password,
    string SystemType,
    SmppAddress AddressRange,
    int WindowSize,
    TimeSpan RequestTimeout,
    TimeSpan EnquireLinkInterval,
    int MaxPduLength)
{
    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"system_id={SystemId} window={WindowSize} timeout={RequestTimeout}";
}
