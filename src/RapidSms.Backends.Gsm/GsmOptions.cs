using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Gsm;

/// <summary>Options of a GSM modem backend, one set per backend name (appsettings: <c>"Engine": "gsm"</c> plus these keys).</summary>
public sealed class GsmOptions
{
    /// <summary>
    /// Where the modem is: a serial device such as <c>/dev/ttyUSB1</c> (RapidSMS's <c>PORT</c>), or
    /// <c>tcp://HOST:PORT</c> for ser2net and IP modems. Required unless <see cref="ConnectionFactory"/> is set.
    /// </summary>
    public string Port { get; set; } = string.Empty;

    /// <summary>The serial speed. Ignored for TCP. Defaults to 115200.</summary>
    [Range(1200, 921600)]
    public int BaudRate { get; set; } = 115200;

    /// <summary>Whether to use RTS/CTS hardware flow control on the serial device. Defaults to <see langword="false"/>.</summary>
    public bool RtsCts { get; set; }

    /// <summary>The SIM PIN, sent only when the modem reports <c>+CPIN: SIM PIN</c>; never logged. Defaults to none.</summary>
    [RegularExpression("^[0-9]{4,8}$", ErrorMessage = "The PIN must be 4 to 8 digits.")]
    public string? Pin { get; set; }

    /// <summary>The SMS service centre number to set with <c>AT+CSCA</c>, such as <c>+256752000000</c>; empty keeps the SIM's. Defaults to none.</summary>
    [RegularExpression(@"^\+?[0-9]{3,20}$", ErrorMessage = "The SMS centre must be digits with an optional leading '+'.")]
    public string? SmsCenter { get; set; }

    /// <summary>PDU or text mode. Defaults to <see cref="GsmMessageMode.Pdu"/>.</summary>
    public GsmMessageMode Mode { get; set; } = GsmMessageMode.Pdu;

    /// <summary>Whether to fall back to text mode when the modem refuses PDU mode. Defaults to <see langword="true"/>.</summary>
    public bool TextModeFallback { get; set; } = true;

    /// <summary>The vendor profile: <c>generic</c>, <c>huawei</c>, <c>zte</c> or <c>simcom</c>. Defaults to <c>generic</c>.</summary>
    [Required]
    public string Profile { get; set; } = "generic";

    /// <summary>Extra commands sent after the profile's, such as <c>AT+CPMS="SM","SM","SM"</c>. Defaults to none.</summary>
    public IList<string> InitCommands { get; } = [];

    /// <summary>
    /// Overrides the profile's list of message storages the sweep lists (<c>AT+CPMS</c> memory names such as
    /// <c>SM</c>, <c>ME</c>, <c>SR</c>); those the modem does not have are skipped. Defaults to the profile's (<c>SM</c>, <c>ME</c>).
    /// </summary>
    public IList<string> Storages { get; } = [];

    /// <summary>Overrides the profile's first storage index (0 or 1). Defaults to the profile's.</summary>
    [Range(0, 1)]
    public int? StorageIndexBase { get; set; }

    /// <summary>Overrides the profile's delete command; <c>{0}</c> is the index, such as <c>AT+CMGD={0}</c>. Defaults to the profile's.</summary>
    public string? DeleteCommand { get; set; }

    /// <summary>Overrides the profile's <c>AT+CNMI</c> command, such as <c>AT+CNMI=2,1,0,2,0</c>. Defaults to the profile's list.</summary>
    public string? NewMessageIndication { get; set; }

    /// <summary>Whether to reset the modem with <c>ATZ</c> when opening it. Defaults to <see langword="true"/>.</summary>
    public bool ResetOnOpen { get; set; } = true;

    /// <summary>Whether to request status reports for sent messages and report them as delivery reports. Defaults to <see langword="false"/>.</summary>
    public bool StatusReports { get; set; }

    /// <summary>The validity period written into sent messages; empty leaves it to the service centre. Defaults to none.</summary>
    public TimeSpan? ValidityPeriod { get; set; }

    /// <summary>Whether long messages use 16-bit concatenation references. Defaults to <see langword="false"/> (8-bit, as most phones send).</summary>
    public bool Use16BitConcatenationReference { get; set; }

    /// <summary>The most parts one outgoing message may take; longer texts fail permanently. Defaults to 10.</summary>
    [Range(1, 255)]
    public int MaxParts { get; set; } = 10;

    /// <summary>How long to wait for a command's answer. Defaults to 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for <c>AT+CMGS</c> to answer (the network is involved). Defaults to 60 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for network registration when opening. Defaults to 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RegistrationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often to list stored messages (<c>AT+CMGL</c>) to catch those whose notification was missed. Defaults to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often to read signal, registration and operator (which also checks that the modem still answers). Defaults to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first wait before reopening a failed link; it doubles (with jitter) up to <see cref="MaxReconnectDelay"/>. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reopening attempts. Defaults to 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times one part is tried when the modem reports a transient error (SIM busy, network timeout). Defaults to 3.</summary>
    [Range(1, 10)]
    public int SendAttempts { get; set; } = 3;

    /// <summary>
    /// How long the parts of a long message wait for the rest. When it passes, the parts that did arrive are routed
    /// as one message marked incomplete (<see cref="GsmBackend.IncompleteField"/>, <see cref="GsmBackend.MissingPartsField"/>)
    /// and deleted from the SIM like any other; a part that comes later is routed on its own the same way.
    /// Empty holds them until the rest comes, however long that takes. Defaults to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan? IncompleteMessageTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many routed messages to remember so a failed delete or a repeated notification never routes one twice. Defaults to 1000.</summary>
    [Range(16, 1_000_000)]
    public int ProcessedCacheSize { get; set; } = 1000;

    /// <summary>
    /// Opens the stream to the modem instead of <see cref="Port"/> (a custom transport, an in-process
    /// simulator). Code only; not bindable from configuration. Defaults to none.
    /// </summary>
    public Func<CancellationToken, ValueTask<Stream>>? ConnectionFactory { get; set; }
}
