namespace RapidSms.Backends.Gsm;

/// <summary>A snapshot of a GSM backend's modem: link state, network, signal and counters.</summary>
public sealed record GsmModemStatus
{
    /// <summary>The link state.</summary>
    public GsmModemState State { get; init; }

    /// <summary>The manufacturer (<c>AT+CGMI</c>), once read.</summary>
    public string? Manufacturer { get; init; }

    /// <summary>The model (<c>AT+CGMM</c>), once read.</summary>
    public string? Model { get; init; }

    /// <summary>The message mode in use.</summary>
    public GsmMessageMode Mode { get; init; }

    /// <summary>Network registration.</summary>
    public GsmRegistration Registration { get; init; } = GsmRegistration.Unknown;

    /// <summary>The operator (<c>AT+COPS?</c>), once read.</summary>
    public string? Operator { get; init; }

    /// <summary>The received signal strength indication from <c>AT+CSQ</c> (0–31), or <see langword="null"/> when unknown (99).</summary>
    public int? SignalQuality { get; init; }

    /// <summary>The signal strength in dBm (−113 + 2 × <see cref="SignalQuality"/>), or <see langword="null"/> when unknown.</summary>
    public int? SignalStrengthDbm => SignalQuality is { } q ? -113 + (2 * q) : null;

    /// <summary>Messages handed to the router since start (a long message counts once).</summary>
    public long MessagesReceived { get; init; }

    /// <summary>Parts sent since start.</summary>
    public long PartsSent { get; init; }

    /// <summary>Parts whose sending failed for good since start.</summary>
    public long SendFailures { get; init; }

    /// <summary>Status reports received since start.</summary>
    public long StatusReports { get; init; }

    /// <summary>How many times the link was reopened.</summary>
    public long Reconnects { get; init; }

    /// <summary>Stored messages that cannot be decoded and are left on the SIM.</summary>
    public int ParkedMessages { get; init; }

    /// <summary>Parts of long messages waiting for their other parts.</summary>
    public int HeldParts { get; init; }

    /// <summary>The last link error, if any.</summary>
    public string? LastError { get; init; }
}
