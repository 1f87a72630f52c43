using System.ComponentModel.DataAnnotations;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>Options of the SMPP backend; one set per backend name.</summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Password"/>.</remarks>
public sealed class SmppOptions : IValidatableObject
{
    /// <summary>The SMSC's host name or address. Required.</summary>
    [Required]
    public string Host { get; set; } = string.Empty;

    /// <summary>The SMSC's TCP port. Defaults to 2775.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 2775;

    /// <summary>system_id to bind with (at most 15 characters). Required.</summary>
    [Required]
    [StringLength(15)]
    public string SystemId { get; set; } = string.Empty;

    /// <summary>The bind password (at most 8 characters). Never logged. Defaults to empty.</summary>
    [StringLength(8)]
    public string Password { get; set; } = string.Empty;

    /// <summary>system_type to bind with (at most 12 characters). Defaults to empty.</summary>
    [StringLength(12)]
    public string SystemType { get; set; } = string.Empty;

    /// <summary>address_range of receiver binds (at most 40 characters), a pattern of addresses this ESME serves. Defaults to empty.</summary>
    [StringLength(40)]
    public string AddressRange { get; set; } = string.Empty;

    /// <summary>Transceiver, a transmitter + receiver pair, or one of them alone. Defaults to <see cref="SmppBindMode.Transceiver"/>.</summary>
    public SmppBindMode BindMode { get; set; } = SmppBindMode.Transceiver;

    /// <summary>Whether to speak TLS to the SMSC. Defaults to <see langword="false"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>The name the SMSC's TLS certificate must carry; <see langword="null"/> uses <see cref="Host"/>.</summary>
    public string? TlsTargetHost { get; set; }

    /// <summary>Accept a TLS certificate that does not validate (a test SMSC with a self-signed certificate). Defaults to <see langword="false"/>.</summary>
    public bool AllowInvalidCertificate { get; set; }

    /// <summary>How many requests may await their responses at once, per bind (a 3-part message uses 3). Defaults to 10, like Kannel.</summary>
    [Range(1, 10_000)]
    public int WindowSize { get; set; } = 10;

    /// <summary>How long to wait for the response to any request before it counts as failed (and is retried). Defaults to 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Send enquire_link after the link was idle this long; no answer within <see cref="RequestTimeout"/> closes it as dead. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EnquireLinkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting (TCP and TLS) may take. Defaults to 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first delay before reconnecting after a failed bind or a lost link; it doubles up to <see cref="MaxReconnectDelay"/>, with jitter. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between reconnect attempts. Defaults to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a send waits for a bound link (while reconnecting) before it fails as transient. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LinkWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most submit_sm PDUs per second (each part counts); 0 for no limit. Defaults to 0.</summary>
    [Range(0, 1_000_000)]
    public double MaxSubmitsPerSecond { get; set; }

    /// <summary>How long the whole bind pauses after ESME_RTHROTTLED or ESME_RMSGQFUL before the same PDU is sent again. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ThrottlePause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many times a part is sent again after a temporary failure (a timeout, a lost link, ESME_RSYSERR); throttling answers do not count. Defaults to 3.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>How many throttling answers one part may get before it fails as transient. Defaults to 100.</summary>
    [Range(1, 100_000)]
    public int MaxThrottleRetries { get; set; } = 100;

    /// <summary>The source address (a number, or up to 11 letters for an alphanumeric sender). Defaults to empty (the SMSC fills it in).</summary>
    [StringLength(20)]
    public string SourceAddress { get; set; } = string.Empty;

    /// <summary>The source TON; <see langword="null"/> chooses: 5 (alphanumeric) for a name, 1 (international) for "+digits", else 0. Defaults to <see langword="null"/>.</summary>
    public byte? SourceTon { get; set; }

    /// <summary>The source NPI; <see langword="null"/> chooses: 0 for a name, else 1 (E.164). Defaults to <see langword="null"/>.</summary>
    public byte? SourceNpi { get; set; }

    /// <summary>The destination TON for identities without a leading "+" (those with one are sent as international, TON 1). Defaults to 0 (unknown).</summary>
    public byte DestinationTon { get; set; }

    /// <summary>The destination NPI. Defaults to 1 (E.164).</summary>
    public byte DestinationNpi { get; set; } = 1;

    /// <summary>service_type of submitted messages (at most 5 characters). Defaults to empty (the SMSC default).</summary>
    [StringLength(5)]
    public string ServiceType { get; set; } = string.Empty;

    /// <summary>The alphabet of outgoing text. Defaults to <see cref="SmppTextEncoding.Auto"/>: the SMSC default alphabet when the text fits it, else UCS2.</summary>
    public SmppTextEncoding Encoding { get; set; } = SmppTextEncoding.Auto;

    /// <summary>What data_coding 0 (the SMSC's default alphabet) means on this link, both ways: GSM 03.38, Latin-1 or ASCII. Defaults to <see cref="SmppAlphabet.Gsm7"/>.</summary>
    public SmppAlphabet DefaultAlphabet { get; set; } = SmppAlphabet.Gsm7;

    /// <summary>Whether GSM 7-bit text is packed (8 characters in 7 octets) rather than one character per octet, both ways. Defaults to <see langword="false"/>, what most SMSCs expect.</summary>
    public bool Gsm7Packed { get; set; }

    /// <summary>
    /// Whether a message to several recipients that fits in one part goes out as submit_multi (up to 254 recipients
    /// a PDU) instead of one submit_sm per recipient. Recipients the SMSC lists as unsuccessful fail with its status;
    /// a long message still goes out as submit_sm per recipient. Defaults to <see langword="false"/>: not every SMSC
    /// offers submit_multi.
    /// </summary>
    public bool UseSubmitMulti { get; set; }

    /// <summary>How text longer than one message is sent. Defaults to <see cref="SmppLongMessageMode.Udh"/>.</summary>
    public SmppLongMessageMode LongMessages { get; set; } = SmppLongMessageMode.Udh;

    /// <summary>The most parts one message may be split into; longer text fails. Defaults to 10.</summary>
    [Range(1, 255)]
    public int MaxParts { get; set; } = 10;

    /// <summary>registered_delivery of submitted messages: 0 no receipt, 1 a final receipt, 2 a receipt on failure only. Defaults to 1.</summary>
    [Range(0, 31)]
    public byte RegisteredDelivery { get; set; } = 1;

    /// <summary>How long the parts of an incoming concatenated message wait for the rest; then what arrived is delivered, marked <see cref="SmppFields.Incomplete"/>. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReassemblyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the parts of an incoming concatenated message stay unanswered while no further part arrives. Then
    /// they are answered, so an SMSC that waits for each deliver_sm_resp before sending the next part can go on, and
    /// kept in memory until the message is complete. Parts that arrive together are answered only after the router
    /// accepted the whole message. Defaults to 2 seconds; zero answers every part on arrival.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PartAnswerTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a receipt whose SMSC id is not known yet waits for the submit_sm_resp that names it (receipts can overtake it). Defaults to 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReceiptWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many sent parts are remembered for receipt correlation; the oldest are forgotten beyond that. Defaults to 100,000.</summary>
    [Range(1, 100_000_000)]
    public int MaxTrackedParts { get; set; } = 100_000;

    /// <summary>The largest PDU accepted from the SMSC, in octets; a larger command_length closes the link. Defaults to 65,536.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPduLength { get; set; } = 64 * 1024;

    /// <summary>
    /// Opens the byte stream to the SMSC instead of TCP (and TLS): a test pipe, a proxy, a custom transport.
    /// Not bindable from configuration. Defaults to <see langword="null"/>: TCP to <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public Func<SmppOptions, CancellationToken, ValueTask<Stream>>? ConnectionFactory { get; set; }

    /// <summary>Checks rules across options.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconnectDelay > MaxReconnectDelay)
        {
            yield return new ValidationResult($"ReconnectDelay ({ReconnectDelay}) must not exceed MaxReconnectDelay ({MaxReconnectDelay}).", [nameof(ReconnectDelay), nameof(MaxReconnectDelay)]);
        }

        if (Encoding == SmppTextEncoding.Gsm7 && DefaultAlphabet != SmppAlphabet.Gsm7)
        {
            yield return new ValidationResult($"Encoding Gsm7 sends data_coding 0, which this link defines as {DefaultAlphabet} (DefaultAlphabet): set DefaultAlphabet to Gsm7 or choose another Encoding.", [nameof(Encoding), nameof(DefaultAlphabet)]);
        }

        if (DefaultAlphabet is SmppAlphabet.Ucs2 or SmppAlphabet.Binary)
        {
            yield return new ValidationResult($"DefaultAlphabet must be Gsm7, Latin1 or Ascii, not {DefaultAlphabet}.", [nameof(DefaultAlphabet)]);
        }
    }

    /// <summary>Describes the link, without the password.</summary>
    public override string ToString() => $"{SystemId}@{Host}:{Port} ({BindMode}{(UseTls ? ", TLS" : string.Empty)})";
}
