using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Http.Hosting;
using RapidSms.Backends.Http.Protocol;

namespace RapidSms.Backends.Http;

/// <summary>
/// The generic HTTP gateway backend (RapidSMS's http backend): receives messages on a webhook, by GET query,
/// POST form or JSON body, and sends each outgoing message as one templated HTTP request per recipient.
/// </summary>
/// <remarks>
/// <para>Host the webhook in an ASP.NET Core app with <c>app.MapRapidSmsHttp(pattern, backendName)</c>, or let the
/// backend run its own Kestrel listener on <see cref="HttpOptions.ListenUrl"/>. A request gets 200 only after the
/// router has processed the message; 400 names a missing parameter, 413 means too large, 401/403 a missing or
/// wrong secret, 503 that the host is shutting down.</para>
/// <para>Sending: 2xx (and <see cref="HttpOptions.SuccessPattern"/>, when set) is success; timeouts, connection
/// failures, 408, 429 and 5xx are transient (the router retries them with back-off and jitter); other statuses are
/// permanent.</para>
/// </remarks>
[BackendEngine("http", Aliases = ["rapidsms.backends.http.RapidHttpBackend"])]
public sealed class HttpBackend : BackendBase<HttpOptions>, IWebhookBackend
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client outgoing requests use: <c>RapidSms.Http</c>.</summary>
    public const string HttpClientName = "RapidSms.Http";

    private const int MaxResponseBodyChars = 64 * 1024;
    private static readonly byte[] OkBody = "OK"u8.ToArray();
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly GatewayLink _link;
    private WebhookAuthenticator _authenticator = new(null, "X-RapidSms-Secret", null, null, null);
    private MessageTemplate? _url;
    private (string Name, MessageTemplate Value)[] _params = [];
    private KeyValuePair<string, string>[] _headers = [];
    private Regex? _success;
    private Regex? _messageId;

    /// <summary>Creates the backend; the host does this.</summary>
    /// <param name="httpClientFactory">Creates the client for outgoing requests (named <see cref="HttpClientName"/>); without one the backend keeps its own.</param>
    /// <param name="loggerFactory">Where the self-hosted listener logs.</param>
    public HttpBackend(IHttpClientFactory? httpClientFactory = null, ILoggerFactory? loggerFactory = null)
    {
        _link = new GatewayLink(httpClientFactory, HttpClientName, loggerFactory);
    }

    /// <summary>Where the self-hosted listener is reachable (with the real port when port 0 was asked for), or <see langword="null"/> when there is none.</summary>
    public Uri? ListenAddress => _link.ListenAddress;

    /// <inheritdoc />
    protected override void OnConfigure(HttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _authenticator = CreateAuthenticator(options);
        if (options.ListenUrl is not null)
        {
            ParseListenUrl(options.ListenUrl, nameof(HttpOptions.ListenUrl));
        }

        _success = CompilePattern(options.SuccessPattern, nameof(HttpOptions.SuccessPattern));
        _messageId = CompilePattern(options.MessageIdPattern, nameof(HttpOptions.MessageIdPattern));
        _headers = [.. options.SendSmsHeaders];
        if (options.SendSmsUrl is null)
        {
            return;
        }

        _url = ParseTemplate(options.SendSmsUrl, nameof(HttpOptions.SendSmsUrl));
        if (!Uri.TryCreate(_url.Render(new TemplateValues("0", "x", "0", "b")), UriKind.Absolute, out var sample)
            || (sample.Scheme != Uri.UriSchemeHttp && sample.Scheme != Uri.UriSchemeHttps))
        {
            throw InvalidOption(nameof(HttpOptions.SendSmsUrl), $"SendSmsUrl '{RedactUrl(options.SendSmsUrl)}' is not an absolute http:// or https:// URL.");
        }

        _params = [.. options.SendSmsParams.Select(p => (p.Key, ParseTemplate(p.Value, $"{nameof(HttpOptions.SendSmsParams)}:{p.Key}")))];
        if (!_url.UsesText && !_params.Any(p => p.Value.UsesText))
        {
            throw InvalidOption(nameof(HttpOptions.SendSmsParams), "Neither SendSmsUrl nor SendSmsParams uses {text}: the gateway would never see the message. Add a parameter such as \"text\": \"{text}\".");
        }

        if (options.SendSmsMethod == HttpSendMethod.Get && options.SendSmsFormat != HttpSendFormat.Query)
        {
            throw InvalidOption(nameof(HttpOptions.SendSmsFormat), $"SendSmsFormat {options.SendSmsFormat} needs a body, which GET does not have: set SendSmsMethod to Post, or SendSmsFormat to Query.");
        }
    }

    /// <summary>Starts the self-hosted listener when <see cref="HttpOptions.ListenUrl"/> is set.</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _link.EnsureClient();
        if (await _link.StartListenerAsync(Options.ListenUrl, nameof(HttpOptions.ListenUrl), Options.ReceivePath, this, cancellationToken).ConfigureAwait(false) is { } listener)
        {
            Log.Listening(Logger, Name, listener.Address);
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
    public async Task HandleWebhookAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "GET, POST";
            await RejectAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed: use GET or POST.").ConfigureAwait(false);
            return;
        }

        var options = Options;
        var parameters = await _authenticator.ReadAllowedAsync(context, options.MaxRequestSize, RejectAsync).ConfigureAwait(false);
        if (parameters is null)
        {
            return;
        }

        using (parameters)
        {
            if (!TryRead(parameters, options.IdentityParameter, out var identity, out var error)
                || !TryRead(parameters, options.TextParameter, out var text, out error))
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }

            if (string.IsNullOrWhiteSpace(identity))
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, $"Parameter '{options.IdentityParameter}' is empty.").ConfigureAwait(false);
                return;
            }

            await ReceiveAndAnswerAsync(context, identity, text).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        if (_url is null)
        {
            Log.NoSendUrl(Logger, Name, message.Id);
            return SendResult.Failure(identities, $"Backend '{Name}' has no SendSmsUrl configured: it can only receive.");
        }

        return await GatewayLink.SendToEachAsync(identities, Options.MaxConcurrentSends, (identity, token) => SendOneAsync(message, identity, token), cancellationToken)
            .ConfigureAwait(false);
    }

    private async ValueTask ReceiveAndAnswerAsync(HttpContext context, string identity, string text)
    {
        if (!await WebhookHandOver.TryAsync(
                context,
                async token => await ReceiveAsync(identity, text, token).ConfigureAwait(false),
                () => Log.RouterClosed(Logger, Name),
                ex => Log.ReceiveFailed(Logger, Name, identity, ex)).ConfigureAwait(false))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = OkBody.Length;
        await context.Response.Body.WriteAsync(OkBody, context.RequestAborted).ConfigureAwait(false);
    }

    private async ValueTask<RecipientResult> SendOneAsync(OutgoingMessage message, string identity, CancellationToken cancellationToken)
    {
        var options = Options;
        var values = new TemplateValues(identity, message.Text, message.Id, Name);
        HttpRequestMessage request;
        try
        {
            request = BuildRequest(options, values);
        }
        catch (UriFormatException ex)
        {
            // The template filled in for this recipient is not a valid URL: sending again cannot help.
            var invalid = RecipientResult.Failed(identity, $"SendSmsUrl filled in for this recipient is not a valid URL: {ex.Message}") with { Backend = Name };
            Log.SendFailed(Logger, Name, message.Id, identity, isTransient: false, invalid.Error!);
            return invalid;
        }

        using var disposeRequest = request;
        using var timeout = new CancellationTokenSource(options.SendTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _link.ClientOrCreate;
        RecipientResult result;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            string body;
            try
            {
                body = _success is null && _messageId is null && response.IsSuccessStatusCode
                    ? ""
                    : await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
            }
            catch (IOException) when (response.IsSuccessStatusCode && _success is null)
            {
                // The status says sent and no pattern needs the body: sending again would send twice. Only the id is lost.
                body = "";
            }

            result = Classify(identity, response.StatusCode, response.ReasonPhrase, body, ReadRetryAfter(response, TimeProvider));
            if (result.Succeeded)
            {
                Log.Sent(Logger, Name, message.Id, identity, (int)response.StatusCode, result.BackendMessageId);
                return result;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = RecipientResult.Failed(identity, $"The gateway did not answer within {options.SendTimeout}.", isTransient: true);
        }
        catch (HttpRequestException ex)
        {
            result = RecipientResult.Failed(identity, $"The gateway could not be reached: {ex.Message}", isTransient: true);
        }
        catch (IOException ex)
        {
            // The answer broke off (HttpIOException) before SuccessPattern or the status could decide: this recipient
            // only, and worth another try; an exception out of SendAsync would fail, and retry, every recipient.
            result = RecipientResult.Failed(identity, $"The gateway's answer broke off: {ex.Message}", isTransient: true);
        }

        Log.SendFailed(Logger, Name, message.Id, identity, result.IsTransient, result.Error!);
        return result;
    }

    /// <summary>Decides what a gateway response means for one recipient.</summary>
    /// <remarks>
    /// A <c>Retry-After</c> the gateway sent is named in the error, but the router's back-off decides when to try again:
    /// a <see cref="RecipientResult"/> has no way to carry a delay.
    /// </remarks>
    internal RecipientResult Classify(string identity, HttpStatusCode status, string? reason, string body, TimeSpan? retryAfter = null)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            bool matched;
            try
            {
                matched = _success is null || _success.IsMatch(body);
            }
            catch (RegexMatchTimeoutException)
            {
                // Thrown out of SendAsync it would fail, and retry, every recipient of the message.
                return RecipientResult.Failed(identity, $"HTTP {code}, but SuccessPattern took longer than {_success!.MatchTimeout.TotalSeconds:0.#} s on the response: simplify the pattern.") with { Backend = Name };
            }

            if (!matched)
            {
                return RecipientResult.Failed(identity, $"HTTP {code}, but the response does not match SuccessPattern: {Shorten(body)}");
            }

            return RecipientResult.Sent(identity, FindMessageId(body)) with { Backend = Name };
        }

        var transient = code is 408 or 429 or >= 500;
        var text = string.IsNullOrWhiteSpace(body) ? $"HTTP {code} {reason}".TrimEnd() : $"HTTP {code} {reason}: {Shorten(body)}";
        return RecipientResult.Failed(identity, text + DescribeRetryAfter(retryAfter), transient) with { Backend = Name };
    }

    /// <summary>The wait a response's <c>Retry-After</c> asks for (seconds or a date), or <see langword="null"/>.</summary>
    internal static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Names a gateway's <c>Retry-After</c> in a failure's error text, in whole seconds.</summary>
    internal static string DescribeRetryAfter(TimeSpan? retryAfter) => retryAfter is { } wait
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (the gateway asked to retry after {Math.Ceiling(wait.TotalSeconds)} s)")
        : "";

    private string? FindMessageId(string body)
    {
        if (_messageId is null)
        {
            return null;
        }

        Match match;
        try
        {
            match = _messageId.Match(body);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }

        if (!match.Success)
        {
            return null;
        }

        var group = match.Groups["id"] is { Success: true } named ? named : match.Groups.Count > 1 ? match.Groups[1] : match.Groups[0];
        return group.Value.Length == 0 ? null : group.Value;
    }

    private HttpRequestMessage BuildRequest(HttpOptions options, in TemplateValues values)
    {
        var url = new StringBuilder(_url!.Render(values, Uri.EscapeDataString));
        HttpContent? content = null;
        if (_params.Length > 0)
        {
            switch (options.SendSmsMethod == HttpSendMethod.Get ? HttpSendFormat.Query : options.SendSmsFormat)
            {
                case HttpSendFormat.Query:
                    var separator = url.ToString().Contains('?', StringComparison.Ordinal) ? '&' : '?';
                    foreach (var (name, template) in _params)
                    {
                        url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(template.Render(values)));
                        separator = '&';
                    }

                    break;
                case HttpSendFormat.Form:
                    var form = new StringBuilder();
                    foreach (var (name, template) in _params)
                    {
                        form.Append(form.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(template.Render(values)));
                    }

                    content = new StringContent(form.ToString(), Encoding.UTF8, "application/x-www-form-urlencoded");
                    break;
                default:
                    var buffer = new MemoryStream();
                    using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
                    {
                        writer.WriteStartObject();
                        foreach (var (name, template) in _params)
                        {
                            writer.WriteString(name, template.Render(values));
                        }

                        writer.WriteEndObject();
                    }

                    content = new ByteArrayContent(buffer.ToArray());
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    break;
            }
        }

        var request = new HttpRequestMessage(options.SendSmsMethod == HttpSendMethod.Get ? HttpMethod.Get : HttpMethod.Post, url.ToString())
        {
            Content = content,
        };
        foreach (var header in _headers)
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content?.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return request;
    }

    /// <summary>Reads at most the first 64 K characters of a response: a gateway's answer is never buffered whole.</summary>
    internal static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var charset = response.Content.Headers.ContentType?.CharSet;
            var encoding = Encoding.UTF8;
            if (charset is not null && WebhookParameters.TryGetEncoding(charset.Trim('"'), out var found))
            {
                // A gateway's answer is read leniently: a bad byte must not turn a sent message into an error.
                encoding = (Encoding)found.Clone();
                encoding.DecoderFallback = DecoderFallback.ReplacementFallback;
            }

            using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxResponseBodyChars];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return new string(buffer, 0, total);
        }
    }

    private async ValueTask RejectAsync(HttpContext context, int status, string reason)
    {
        reason = Printable(reason);
        Log.RequestRejected(Logger, Name, status, reason);
        await WriteTextAsync(context, status, reason).ConfigureAwait(false);
    }

    /// <summary>
    /// A rejection reason fit for a log line: reasons quote what the request sent (a charset, a content type, a report
    /// type), which anyone who can reach the webhook controls, so line breaks and other control characters become
    /// <c>?</c> and the text stops after 300 characters.
    /// </summary>
    internal static string Printable(string reason)
    {
        var shown = reason.Length <= 300 ? reason : reason[..300] + "…";
        if (!shown.AsSpan().ContainsAnyInRange('\0', '\u001F') && !shown.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
        {
            return shown;
        }

        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }

    internal static async ValueTask WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool TryRead(WebhookParameters parameters, string name, out string value, out string error)
    {
        switch (parameters.TryGet(name, out value))
        {
            case ParameterLookup.Found:
                error = "";
                return true;
            case ParameterLookup.Missing:
                error = $"Missing parameter '{name}'.";
                return false;
            default:
                error = $"Parameter '{name}' could not be decoded: send text as UTF-8 (or name the charset).";
                return false;
        }
    }

    private static WebhookAuthenticator CreateAuthenticator(HttpOptions options)
    {
        if ((options.BasicAuthUsername is null) != (options.BasicAuthPassword is null))
        {
            throw InvalidOption(nameof(HttpOptions.BasicAuthPassword), "Set both BasicAuthUsername and BasicAuthPassword, or neither.");
        }

        return new WebhookAuthenticator(options.SharedSecret, options.SharedSecretHeader, options.SharedSecretParameter, options.BasicAuthUsername, options.BasicAuthPassword);
    }

    internal static Uri ParseListenUrl(string value, string key)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort && !value.Contains(":80", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{key} '{value}' must be an http:// URL with a port, such as http://0.0.0.0:8080 (port 0 picks a free one).", key);
        }

        return uri;
    }

    /// <summary>
    /// A URL as an error message may show it: without its query (API keys, passwords, secrets often travel there) and
    /// without user information.
    /// </summary>
    internal static string RedactUrl(string url)
    {
        var query = url.IndexOfAny(['?', '#']);
        var shown = query < 0 ? url : url[..query] + "?…";
        var scheme = shown.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = scheme < 0 ? 0 : scheme + 3;
        var authorityEnd = shown.IndexOf('/', authorityStart);
        var end = authorityEnd < 0 ? shown.Length : authorityEnd;
        var at = end > authorityStart ? shown.LastIndexOf('@', end - 1, end - authorityStart) : -1;
        return at >= 0 ? string.Concat(shown.AsSpan(0, authorityStart), "…@", shown.AsSpan(at + 1)) : shown;
    }

    /// <summary>An option error; the host reports the key with the backend's name.</summary>
    internal static ArgumentException InvalidOption(string key, string message) => new(message, key);

    private static MessageTemplate ParseTemplate(string template, string key)
    {
        try
        {
            return MessageTemplate.Parse(template);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{key}: {ex.Message}", key, ex);
        }
    }

    private static Regex? CompilePattern(string? pattern, string key)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{key} '{pattern}' is not a valid regular expression: {ex.Message}", key, ex);
        }
    }

    internal static string Shorten(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200] + "…";
    }
}
