using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Http;

/// <summary>
/// Options of the generic HTTP gateway backend, one set per backend name. Incoming messages arrive on a
/// webhook (mapped with <c>MapRapidSmsHttp</c> or self-hosted on <see cref="ListenUrl"/>); outgoing messages
/// are sent as one HTTP request per recipient to <see cref="SendSmsUrl"/>.
/// </summary>
public sealed class HttpOptions
{
    /// <summary>
    /// Where to run a listener of the backend's own (Kestrel), such as <c>http://0.0.0.0:8080</c>, for hosts that are
    /// not ASP.NET Core applications. Port 0 picks a free port. Defaults to none: map the endpoint in your app with
    /// <c>app.MapRapidSmsHttp(pattern, backendName)</c> instead.
    /// </summary>
    public string? ListenUrl { get; set; }

    /// <summary>The path the self-hosted listener answers on; other paths get 404. Defaults to <c>/</c>.</summary>
    [Required]
    public string ReceivePath { get; set; } = "/";

    /// <summary>The parameter (query, form field or JSON property) holding the sender. Defaults to <c>phone</c>, as in RapidSMS.</summary>
    [Required]
    public string IdentityParameter { get; set; } = "phone";

    /// <summary>The parameter (query, form field or JSON property) holding the text. Defaults to <c>message</c>, as in RapidSMS.</summary>
    [Required]
    public string TextParameter { get; set; } = "message";

    /// <summary>
    /// The largest query string, and the largest body, a webhook request may carry, in bytes; larger requests get 413.
    /// Defaults to 65,536.
    /// </summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxRequestSize { get; set; } = 64 * 1024;

    /// <summary>
    /// A secret the gateway must present in the <see cref="SharedSecretHeader"/> header (or the
    /// <see cref="SharedSecretParameter"/> parameter): missing gets 401, wrong gets 403. Compared in constant time and
    /// never logged. Defaults to none (no check).
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>The header carrying <see cref="SharedSecret"/>. Defaults to <c>X-RapidSms-Secret</c>.</summary>
    [Required]
    public string SharedSecretHeader { get; set; } = "X-RapidSms-Secret";

    /// <summary>
    /// A query or form parameter that may carry <see cref="SharedSecret"/> instead of the header, for gateways that
    /// cannot set headers. Defaults to none (header only).
    /// </summary>
    public string? SharedSecretParameter { get; set; }

    /// <summary>With <see cref="BasicAuthPassword"/>: the user name the gateway must send with HTTP basic authentication. Defaults to none.</summary>
    public string? BasicAuthUsername { get; set; }

    /// <summary>With <see cref="BasicAuthUsername"/>: the password of HTTP basic authentication. Compared in constant time, never logged. Defaults to none.</summary>
    public string? BasicAuthPassword { get; set; }

    /// <summary>
    /// The gateway URL outgoing messages are sent to (RapidSMS's <c>sendsms_url</c>). May hold placeholders,
    /// URL-escaped when filled in: <c>{identity}</c>, <c>{text}</c>, <c>{id}</c> (our message id), <c>{backend}</c>.
    /// Defaults to none: the backend only receives, and sending through it fails.
    /// </summary>
    public string? SendSmsUrl { get; set; }

    /// <summary>
    /// Parameters sent with every message (RapidSMS's <c>sendsms_params</c>): name to template, with the same placeholders
    /// as <see cref="SendSmsUrl"/>, such as <c>"to": "{identity}", "body": "{text}"</c>. Sent as <see cref="SendSmsFormat"/>.
    /// Defaults to none.
    /// </summary>
    public IDictionary<string, string> SendSmsParams { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The HTTP method of outgoing requests. Defaults to <see cref="HttpSendMethod.Get"/>.</summary>
    public HttpSendMethod SendSmsMethod { get; set; } = HttpSendMethod.Get;

    /// <summary>
    /// How <see cref="SendSmsParams"/> travel: in the query string, as a form body or as a JSON object. A GET sends
    /// them in the query. Defaults to <see cref="HttpSendFormat.Query"/>.
    /// </summary>
    public HttpSendFormat SendSmsFormat { get; set; } = HttpSendFormat.Query;

    /// <summary>
    /// Headers added to every outgoing request (an <c>Authorization</c> bearer token, an API key). Values are never
    /// logged. Defaults to none.
    /// </summary>
    public IDictionary<string, string> SendSmsHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A regular expression the response body must match for a 2xx response to count as sent, for gateways that answer
    /// 200 with an error in the body. Defaults to none (any 2xx is success).
    /// </summary>
    public string? SuccessPattern { get; set; }

    /// <summary>
    /// A regular expression that finds the gateway's message id in a successful response body: the group named
    /// <c>id</c>, else group 1, else the whole match. It becomes <see cref="RecipientResult.BackendMessageId"/>. Defaults to none.
    /// </summary>
    public string? MessageIdPattern { get; set; }

    /// <summary>How long one outgoing request may take before it counts as a transient failure. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many requests one message to many recipients may have in flight at once. Defaults to 8.</summary>
    [Range(1, 256)]
    public int MaxConcurrentSends { get; set; } = 8;
}

/// <summary>The HTTP method of outgoing requests.</summary>
public enum HttpSendMethod
{
    /// <summary>GET, with the parameters in the query string.</summary>
    Get,

    /// <summary>POST, with the parameters in the query, a form body or a JSON body.</summary>
    Post,
}

/// <summary>How the parameters of an outgoing request are encoded.</summary>
public enum HttpSendFormat
{
    /// <summary>In the query string, UTF-8 and percent-escaped.</summary>
    Query,

    /// <summary>As an <c>application/x-www-form-urlencoded</c> body, UTF-8 (POST only).</summary>
    Form,

    /// <summary>As a JSON object of strings, UTF-8 (POST only).</summary>
    Json,
}
