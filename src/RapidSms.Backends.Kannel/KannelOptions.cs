using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Kannel;

/// <summary>
/// Options of the Kannel backend, one set per backend name. Outgoing messages go through Kannel's
/// <c>sendsms</c> interface; incoming messages and delivery reports arrive on this backend's webhook
/// (mapped with <c>MapRapidSmsHttp</c> or self-hosted on <see cref="ListenUrl"/>), called by Kannel's
/// <c>get-url</c> and <c>dlr-url</c>.
/// </summary>
public sealed class KannelOptions
{
    /// <summary>Kannel's sendsms URL (RapidSMS's <c>sendsms_url</c>). Defaults to <c>http://127.0.0.1:13013/cgi-bin/sendsms</c>.</summary>
    [Required]
    public string SendSmsUrl { get; set; } = "http://127.0.0.1:13013/cgi-bin/sendsms";

    /// <summary>
    /// Extra sendsms parameters sent with every message (RapidSMS's <c>sendsms_params</c>), such as <c>"account": "clinic"</c>.
    /// RapidSMS's <c>username</c>, <c>password</c>, <c>from</c> and <c>smsc</c> work here too; the options of the same name win.
    /// Defaults to none.
    /// </summary>
    public IDictionary<string, string> SendSmsParams { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The <c>sendsms-user</c> username. Required, here or as <c>username</c> in <see cref="SendSmsParams"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The <c>sendsms-user</c> password. Required, here or as <c>password</c> in <see cref="SendSmsParams"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender number or name (<c>from</c>); Kannel refuses a message without one unless a global sender is set. Defaults to none.</summary>
    public string? From { get; set; }

    /// <summary>The <c>smsc-id</c> to route through (<c>smsc</c>). Defaults to none (Kannel's routing decides).</summary>
    public string? Smsc { get; set; }

    /// <summary>The message priority, 0 (lowest) to 3 (<c>priority</c>). Defaults to none.</summary>
    [Range(0, 3)]
    public int? Priority { get; set; }

    /// <summary>How long the SMSC should keep trying to deliver (<c>validity</c>, sent in whole minutes). Defaults to none.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan? Validity { get; set; }

    /// <summary>
    /// Which delivery reports to ask for (<c>dlr-mask</c>): 1 delivered, 2 failed, 4 buffered, 8 SMSC ack, 16 SMSC reject,
    /// added up. 0 asks for none. Reports are requested only when <see cref="DeliveryReportUrl"/> (or a self-hosted
    /// listener) gives Kannel somewhere to send them. Defaults to 31 (all).
    /// </summary>
    [Range(0, 31)]
    public int DeliveryReportMask { get; set; } = 31;

    /// <summary>
    /// The URL of this backend's webhook as Kannel reaches it, used to build each message's <c>dlr-url</c>. Defaults to
    /// the self-hosted listener's address when <see cref="ListenUrl"/> is set; set it when the endpoint is mapped in an
    /// ASP.NET Core app or sits behind a proxy.
    /// </summary>
    public string? DeliveryReportUrl { get; set; }

    /// <summary>
    /// Where to run a listener of the backend's own (Kestrel) for <c>get-url</c> and delivery reports, such as
    /// <c>http://127.0.0.1:8081</c>. Port 0 picks a free port. Defaults to none: map the endpoint with
    /// <c>app.MapRapidSmsHttp(pattern, backendName)</c> instead.
    /// </summary>
    public string? ListenUrl { get; set; }

    /// <summary>The path the self-hosted listener answers on. Defaults to <c>/</c>.</summary>
    [Required]
    public string ReceivePath { get; set; } = "/";

    /// <summary>
    /// A secret Kannel must pass in the <see cref="SharedSecretParameter"/> query parameter of its <c>get-url</c>; it is
    /// added to every <c>dlr-url</c> too. Missing gets 401, wrong 403. Compared in constant time and never logged.
    /// Defaults to none (no check).
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>The query parameter carrying <see cref="SharedSecret"/>. Defaults to <c>secret</c>.</summary>
    [Required]
    public string SharedSecretParameter { get; set; } = "secret";

    /// <summary>The largest query string a get-url or dlr-url request may carry, in bytes; larger gets 413. Defaults to 65,536.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxRequestSize { get; set; } = 64 * 1024;

    /// <summary>How long one sendsms request may take before it counts as a transient failure. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many sendsms requests one message to many recipients may have in flight at once. Defaults to 8.</summary>
    [Range(1, 256)]
    public int MaxConcurrentSends { get; set; } = 8;
}
