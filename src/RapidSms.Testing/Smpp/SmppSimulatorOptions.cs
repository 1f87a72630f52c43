namespace RapidSms.Testing;

/// <summary>How a <see cref="SmppSimulator"/> behaves.</summary>
public sealed class SmppSimulatorOptions
{
    /// <summary>The system_id binds must use; <see langword="null"/> accepts any. Defaults to <see langword="null"/>.</summary>
    public string? SystemId { get; set; }

    /// <summary>The password binds must use when <see cref="SystemId"/> is set. Defaults to <see langword="null"/> (any).</summary>
    public string? Password { get; set; }

    /// <summary>The port to listen on (127.0.0.1); 0 picks a free one. Defaults to 0.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Whether every submit_sm is kept in <see cref="SmppSimulator.Submissions"/> (decoded). Turn it off for load
    /// tests: only counting is done then, without allocating per PDU. Defaults to <see langword="true"/>.
    /// </summary>
    public bool RecordSubmissions { get; set; } = true;

    /// <summary>Send a DELIVRD receipt for every submit_sm that asks for one (registered_delivery). Defaults to <see langword="false"/>.</summary>
    public bool AutoReceipts { get; set; }

    /// <summary>Answer message ids in hexadecimal (and report them in decimal in receipts, as some SMSCs do). Defaults to <see langword="false"/>.</summary>
    public bool HexMessageIds { get; set; }

    /// <summary>What data_coding 0 means when decoding submissions: GSM 03.38 unpacked, unless <see cref="Gsm7Packed"/>. Defaults to <see langword="false"/>.</summary>
    public bool Gsm7Packed { get; set; }

    /// <summary>The clock for the simulator's own short waits. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
