using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Http;
using RapidSms.Backends.Http.Hosting;
using RapidSms.Backends.Http.Protocol;
using RapidSms.Backends.Kannel.Protocol;

namespace RapidSms.Backends.Kannel;

/// <summary>
/// The Kannel backend (RapidSMS's kannel backend): sends through Kannel's <c>sendsms</c> interface, receives
/// mobile-originated messages from an <c>sms-service</c>'s <c>get-url</c>, and turns Kannel's delivery reports into
/// <see cref="DeliveryReport"/>s correlated to the message and recipient they are about.
/// </summary>
/// <remarks>
/// <para>Kannel's get-url must carry <c>id=%p&amp;text=%b&amp;charset=%C&amp;coding=%c</c>; <c>smsc=%i</c>,
/// <c>to=%P</c> and <c>ts=%T</c> are read when present. Text is decoded in the charset Kannel names, so UCS-2
/// messages (UTF-16BE) arrive as faithfully as GSM or UTF-8 ones.</para>
/// <para>Outgoing text is sent as UTF-8 (<c>charset=UTF-8</c>), with <c>coding=2</c> when it does not fit the GSM 7-bit
/// alphabet. Every request carries a <c>dlr-url</c> naming our message id and the recipient, so reports need no state
/// to be correlated and survive restarts.</para>
/// </remarks>
[BackendEngine("kannel", Aliases = ["rapidsms.backends.kannel.KannelBackend"])]
public sealed class KannelBackend : BackendBase<KannelOptions>, IWebhookBackend
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client sendsms requests use: <c>RapidSms.Kannel</c>.</summary>
    public const string HttpClientName = "RapidSms.Kannel";

    private const string DlrMarker = "rapidsms-dlr";
    private static readonly string[] OwnParameters = ["username", "password", "from", "to", "text", "charset", "coding", "smsc", "priority", "validity", "dlr-mask", "dlr-url"];

    private readonly GatewayLink _link;
    private WebhookAuthenticator _authenticator = new(null, "X-RapidSms-Secret", null, null, null);
    private KeyValuePair<string, string>[] _extraParams = [];
    private string? _dlrUrl;

    /// <summary>Creates the backend; the host does this.</summary>
    /// <param name="httpClientFactory">Creates the client for sendsms requests (named <see cref="HttpClientName"/>); without one the backend keeps its own.</param>
    /// <param name="loggerFactory">Where the self-hosted listener logs.</param>
    public KannelBackend(IHttpClientFactory? httpClientFactory = null, ILoggerFactory? loggerFactory = null)
    {
        _link = new GatewayLink(httpClientFactory, HttpClientName, loggerFactory);
    }

    /// <summary>Where the self-hosted listener is reachable (with the real port when port 0 was asked for), or <see langword="null"/> when there is none.</summary>
    public Uri? ListenAddress => _link.ListenAddress;

    /// <inheritdoc />
    protected override void OnConfigure(KannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.SendSmsUrl, UriKind.Absolute, out var sendsms) || (sendsms.Scheme != Uri.UriSchemeHttp && sendsms.Scheme != Uri.UriSchemeHttps))
        {
            throw HttpBackend.InvalidOption(nameof(KannelOptions.SendSmsUrl),
                $"SendSmsUrl '{HttpBackend.RedactUrl(options.SendSmsUrl)}' is not an absolute http:// URL, such as http://127.0.0.1:13013/cgi-bin/sendsms.");
        }

        if (options.ListenUrl is not null)
        {
            HttpBackend.ParseListenUrl(options.ListenUrl, nameof(KannelOptions.ListenUrl));
        }

        if (options.DeliveryReportUrl is not null
            && (!Uri.TryCreate(options.DeliveryReportUrl, UriKind.Absolute, out var dlr) || (dlr.Scheme != Uri.UriSchemeHttp && dlr.Scheme != Uri.UriSchemeHttps)))
        {
            throw HttpBackend.InvalidOption(nameof(KannelOptions.DeliveryReportUrl),
                $"DeliveryReportUrl '{HttpBackend.RedactUrl(options.DeliveryReportUrl)}' is not an absolute http:// or https:// URL.");
        }

        if ((options.Username is null && !options.SendSmsParams.ContainsKey("username"))
            || (options.Password is null && !options.SendSmsParams.ContainsKey("password")))
        {
            throw HttpBackend.InvalidOption(nameof(KannelOptions.Username),
                "Set Username and Password (or username and password in SendSmsParams) to a sendsms-user group of kannel.conf: Kannel refuses sendsms without them.");
        }

        _authenticator = new WebhookAuthenticator(options.SharedSecret, "X-RapidSms-Secret", options.SharedSecretParameter, null, null);
        _extraParams = [.. options.SendSmsParams];
        _dlrUrl = options.DeliveryReportUrl;
    }

    /// <summary>Starts the self-hosted listener when <see cref="KannelOptions.ListenUrl"/> is set.</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _link.EnsureClient();
        if (await _link.StartListenerAsync(Options.ListenUrl, nameof(KannelOptions.ListenUrl), Options.ReceivePath, this, cancellationToken).ConfigureAwait(false) is { } listener)
        {
            _dlrUrl = Options.DeliveryReportUrl ?? listener.Address.ToString();
            Log.Listening(Logger, Name, listener.Address);
        }

        if (_dlrUrl is null && Options.DeliveryReportMask != 0)
        {
            Log.NoDeliveryReportUrl(Logger, Name);
        }
    }

    /// <summary>
    /// Stops the self-hosted listener, letting requests in progress finish until <paramref name="cancellationToken"/> is
    /// cancelled; then their connections are closed, and their senders, having had no 200, send again.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait for requests in progress.</param>
    public override Task StopAsync(CancellationToken cancellationToken) => _link.StopAsync(cancellationToken);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        return await GatewayLink.SendToEachAsync(identities, Options.MaxConcurrentSends, (identity, token) => SendOneAsync(message, identity, token), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task HandleWebhookAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await RejectAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed: Kannel's get-url and dlr-url use GET.")
                .ConfigureAwait(false);
            return;
        }

        var parameters = await _authenticator.ReadAllowedAsync(context, Options.MaxRequestSize, RejectAsync).ConfigureAwait(false);
        if (parameters is null)
        {
            return;
        }

        using (parameters)
        {
            if (parameters.TryGet(DlrMarker, out _) == ParameterLookup.Found)
            {
                await HandleDeliveryReportAsync(context, parameters).ConfigureAwait(false);
            }
            else
            {
                await HandleIncomingAsync(context, parameters).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Builds the sendsms URL for one recipient.</summary>
    internal string BuildSendSmsUrl(OutgoingMessage message, string identity)
    {
        var options = Options;
        var url = new StringBuilder(options.SendSmsUrl);
        var separator = options.SendSmsUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        foreach (var (name, value) in _extraParams)
        {
            // RapidSMS put username, password, from and smsc here; the typed options override them.
            var overridden = name switch
            {
                "username" => options.Username is not null,
                "password" => options.Password is not null,
                "from" => options.From is not null,
                "smsc" => options.Smsc is not null,
                _ => OwnParameters.Contains(name, StringComparer.Ordinal),
            };
            if (!overridden)
            {
                Add(name, value);
            }
        }

        Add("username", options.Username);
        Add("password", options.Password);
        Add("from", options.From);
        Add("to", identity);
        Add("text", message.Text);
        Add("charset", "UTF-8");
        Add("coding", Gsm7.CanEncode(message.Text) ? null : "2");
        Add("smsc", options.Smsc);
        Add("priority", options.Priority?.ToString(CultureInfo.InvariantCulture));
        Add("validity", options.Validity is { } validity ? ((long)Math.Ceiling(validity.TotalMinutes)).ToString(CultureInfo.InvariantCulture) : null);
        if (_dlrUrl is not null && options.DeliveryReportMask != 0)
        {
            Add("dlr-mask", options.DeliveryReportMask.ToString(CultureInfo.InvariantCulture));
            Add("dlr-url", BuildDeliveryReportUrl(_dlrUrl, message.Id, identity));
        }

        return url.ToString();
    }

    /// <summary>
    /// The <c>dlr-url</c> Kannel calls back: our endpoint with the message id and recipient, and Kannel's escape codes
    /// for the report type (<c>%d</c>), SMSC message id (<c>%F</c>), SMSC (<c>%i</c>), time (<c>%T</c>) and SMSC text (<c>%A</c>).
    /// </summary>
    internal string BuildDeliveryReportUrl(string endpoint, string messageId, string identity)
    {
        var builder = new StringBuilder(endpoint);
        builder.Append(endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?')
            .Append(DlrMarker).Append("=1&message=").Append(KannelEscape(messageId))
            .Append("&identity=").Append(KannelEscape(identity))
            .Append("&type=%d&bmid=%F&smsc=%i&ts=%T&reply=%A");
        if (Options.SharedSecret is { Length: > 0 } secret)
        {
            builder.Append('&').Append(KannelEscape(Options.SharedSecretParameter)).Append('=').Append(KannelEscape(secret));
        }

        return builder.ToString();
    }

    // Kannel reads '%' in a dlr-url as the start of an escape code; '%%' is a literal '%'.
    private static string KannelEscape(string value) => Uri.EscapeDataString(value).Replace("%", "%%", StringComparison.Ordinal);

    private async ValueTask<RecipientResult> SendOneAsync(OutgoingMessage message, string identity, CancellationToken cancellationToken)
    {
        var options = Options;
        using var request = new HttpRequestMessage(HttpMethod.Get, BuildSendSmsUrl(message, identity));
        using var timeout = new CancellationTokenSource(options.SendTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _link.Client
            ?? throw new InvalidOperationException($"Backend '{Name}' has not been started.");
        RecipientResult result;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            // Bounded: whatever answers at SendSmsUrl, a long or endless body must not fill memory or stall the send.
            string body;
            try
            {
                body = HttpBackend.Shorten(await HttpBackend.ReadBodyAsync(response, linked.Token).ConfigureAwait(false));
            }
            catch (IOException)
            {
                // The answer broke off after its status: the status decides (a 2xx means Kannel has the message, and
                // sending again would send it twice); an exception out of SendAsync would fail every recipient.
                body = "";
            }

            var code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                Log.Sent(Logger, Name, message.Id, identity, code, body);
                return RecipientResult.Sent(identity) with { Backend = Name };
            }

            var reason = (body.Length == 0 ? $"Kannel answered HTTP {code}" : $"Kannel answered HTTP {code}: {body}")
                + HttpBackend.DescribeRetryAfter(HttpBackend.ReadRetryAfter(response, TimeProvider));
            result = RecipientResult.Failed(identity, reason, isTransient: code is 408 or 429 or >= 500) with { Backend = Name };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = RecipientResult.Failed(identity, $"Kannel did not answer within {options.SendTimeout}.", isTransient: true);
        }
        catch (HttpRequestException ex)
        {
            result = RecipientResult.Failed(identity, $"Kannel's sendsms could not be reached: {ex.Message}", isTransient: true);
        }
        catch (IOException ex)
        {
            result = RecipientResult.Failed(identity, $"Kannel's answer broke off: {ex.Message}", isTransient: true);
        }

        Log.SendFailed(Logger, Name, message.Id, identity, result.IsTransient, result.Error!);
        return result;
    }

    private async Task HandleIncomingAsync(HttpContext context, WebhookParameters parameters)
    {
        var query = context.Request.QueryString.Value ?? "";
        if (!TryGetText(parameters, "id", out var identity, out var error))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(identity))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Parameter 'id' (the sender, %p) is empty.").ConfigureAwait(false);
            return;
        }

        if (!UrlEncoded.TryGetRaw(query, "text", out var rawText))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Missing parameter 'text': add text=%b to Kannel's get-url.").ConfigureAwait(false);
            return;
        }

        parameters.TryGet("charset", out var charset);
        parameters.TryGet("coding", out var coding);
        if (coding == "1")
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Binary (8-bit, coding=1) messages carry no text and are not supported.").ConfigureAwait(false);
            return;
        }

        Encoding encoding;
        if (!string.IsNullOrEmpty(charset))
        {
            if (!WebhookParameters.TryGetEncoding(charset, out encoding))
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, $"Charset '{charset}' is not supported.").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            encoding = coding == "2" ? Encoding.GetEncoding("utf-16BE", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback) : UrlEncoded.StrictUtf8;
        }

        if (!UrlEncoded.TryDecode(rawText, encoding, out var text))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, $"Parameter 'text' is not valid {encoding.WebName}.").ConfigureAwait(false);
            return;
        }

        var fields = new List<KeyValuePair<string, object?>>(4);
        AddField(parameters, fields, "smsc", "kannel.smsc");
        AddField(parameters, fields, "to", "kannel.to");
        if (!string.IsNullOrEmpty(coding))
        {
            fields.Add(new("kannel.coding", coding));
        }

        if (!string.IsNullOrEmpty(charset))
        {
            fields.Add(new("kannel.charset", charset));
        }

        DateTimeOffset? receivedAt = parameters.TryGet("ts", out var ts) == ParameterLookup.Found && KannelDeliveryReport.TryParseUnixTime(ts, out var time) ? time : null;
        if (!await TryHandOverAsync(context, async token =>
            await ReceiveAsync(identity, text, receivedAt, fields, token).ConfigureAwait(false)).ConfigureAwait(false))
        {
            return;
        }

        // Empty: with max-messages other than 0, Kannel would send a body back to the phone as a reply.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private async Task HandleDeliveryReportAsync(HttpContext context, WebhookParameters parameters)
    {
        if (!TryGetText(parameters, "identity", out var identity, out var error) || !TryGetText(parameters, "type", out var typeText, out error))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (!int.TryParse(typeText, NumberStyles.None, CultureInfo.InvariantCulture, out var type) || string.IsNullOrWhiteSpace(identity))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, $"Delivery report type '{typeText}' is not a number, or the identity is empty.").ConfigureAwait(false);
            return;
        }

        string? Optional(string name) => parameters.TryGet(name, out var value) == ParameterLookup.Found && value.Length > 0 ? value : null;
        var reply = Optional("reply");
        var status = KannelDeliveryReport.ToStatus(type);
        var timestamp = KannelDeliveryReport.TryParseUnixTime(Optional("ts"), out var ts) ? ts : TimeProvider.GetUtcNow();
        var report = new DeliveryReport(Name, identity, status, timestamp)
        {
            MessageId = Optional("message"),
            BackendMessageId = Optional("bmid"),
            ErrorCode = KannelDeliveryReport.FindErrorCode(reply),
            Detail = reply is null ? $"type={type}" : $"type={type} {reply}",
        };
        Log.DeliveryReportReceived(Logger, Name, report.MessageId, identity, type, status);
        if (await TryHandOverAsync(context, async token => await ReportDeliveryAsync(report, token).ConfigureAwait(false)).ConfigureAwait(false))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
        }
    }

    private ValueTask<bool> TryHandOverAsync(HttpContext context, Func<CancellationToken, Task> handOver) =>
        WebhookHandOver.TryAsync(context, handOver, () => Log.RouterClosed(Logger, Name), ex => Log.ReceiveFailed(Logger, Name, ex));

    private static bool TryGetText(WebhookParameters parameters, string name, out string value, out string error)
    {
        switch (parameters.TryGet(name, out value))
        {
            case ParameterLookup.Found:
                error = "";
                return true;
            case ParameterLookup.Missing:
                error = name == "id" ? "Missing parameter 'id': add id=%p to Kannel's get-url." : $"Missing parameter '{name}'.";
                return false;
            default:
                error = $"Parameter '{name}' is not valid UTF-8.";
                return false;
        }
    }

    private static void AddField(WebhookParameters parameters, List<KeyValuePair<string, object?>> fields, string parameter, string field)
    {
        if (parameters.TryGet(parameter, out var value) == ParameterLookup.Found && value.Length > 0)
        {
            fields.Add(new(field, value));
        }
    }

    private async ValueTask RejectAsync(HttpContext context, int status, string reason)
    {
        reason = HttpBackend.Printable(reason);
        Log.RequestRejected(Logger, Name, status, reason);
        await HttpBackend.WriteTextAsync(context, status, reason).ConfigureAwait(false);
    }
}
