using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace RapidSms.Backends.Http.Protocol;

/// <summary>
/// The parameters of one webhook request: its query string and, for a POST, its form or JSON body,
/// read with a size limit.
/// </summary>
/// <remarks>
/// A POST's body is looked at first and the query second, so a gateway that posts some values and puts
/// others (a token, say) in the URL works too. JSON names may be dotted paths into nested objects
/// (<c>message.from</c>); strings, numbers and booleans are read as text.
/// </remarks>
internal sealed class WebhookParameters : IDisposable
{
    private readonly string _query;
    private readonly string? _form;
    private readonly Encoding _formEncoding;
    private readonly JsonDocument? _json;

    private WebhookParameters(string query, string? form, Encoding formEncoding, JsonDocument? json)
    {
        _query = query;
        _form = form;
        _formEncoding = formEncoding;
        _json = json;
    }

    /// <summary>Reads the request's parameters, refusing more than <paramref name="maxBytes"/> of query or body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBytes">The largest query string and the largest body accepted.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <returns>The parameters, or the status code and reason to answer with.</returns>
    public static async ValueTask<(WebhookParameters? Parameters, int Status, string? Error)> ReadAsync(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var query = request.QueryString.Value ?? "";
        if (query.Length > maxBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The query string is longer than {maxBytes} bytes.");
        }

        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (request.ContentLength > 0 || request.Headers.ContainsKey(HeaderNames.TransferEncoding));
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength == 0 || !canHaveBody)
        {
            return (new WebhookParameters(query, null, UrlEncoded.StrictUtf8, null), StatusCodes.Status200OK, null);
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxBytes} bytes.");
        }

        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        var mediaType = contentType?.MediaType.Value ?? "";
        var isForm = mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (!isForm && !isJson)
        {
            return (null, StatusCodes.Status415UnsupportedMediaType,
                $"Content type '{request.ContentType}' is not supported: post application/x-www-form-urlencoded or application/json.");
        }

        var encoding = UrlEncoded.StrictUtf8;
        var charset = contentType?.Charset.Value;
        if (!string.IsNullOrEmpty(charset) && !TryGetEncoding(charset, out encoding))
        {
            return (null, StatusCodes.Status415UnsupportedMediaType, $"Charset '{charset}' is not supported.");
        }

        var body = await ReadBodyAsync(request.BodyReader, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxBytes} bytes.");
        }

        if (isForm)
        {
            return (new WebhookParameters(query, Encoding.Latin1.GetString(body), encoding, null), StatusCodes.Status200OK, null);
        }

        try
        {
            var json = body.Length == 0 ? null : JsonDocument.Parse(encoding is UTF8Encoding ? body : Encoding.UTF8.GetBytes(encoding.GetString(body)));
            if (json is not null && json.RootElement.ValueKind != JsonValueKind.Object)
            {
                json.Dispose();
                return (null, StatusCodes.Status400BadRequest, "The JSON body must be an object.");
            }

            return (new WebhookParameters(query, null, encoding, json), StatusCodes.Status200OK, null);
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            return (null, StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Finds a parameter.</summary>
    /// <param name="name">The parameter name (a dotted path for JSON).</param>
    /// <param name="value">The decoded value.</param>
    /// <returns>Whether it was found, missing, or present but not decodable.</returns>
    public ParameterLookup TryGet(string name, out string value)
    {
        if (_json is not null)
        {
            var lookup = TryGetJson(_json.RootElement, name, out value);
            if (lookup != ParameterLookup.Missing)
            {
                return lookup;
            }
        }

        if (_form is not null && UrlEncoded.TryGetRaw(_form, name, out var formRaw))
        {
            return UrlEncoded.TryDecode(formRaw, _formEncoding, out value) ? ParameterLookup.Found : ParameterLookup.Invalid;
        }

        if (UrlEncoded.TryGetRaw(_query, name, out var queryRaw))
        {
            return UrlEncoded.TryDecode(queryRaw, UrlEncoded.StrictUtf8, out value) ? ParameterLookup.Found : ParameterLookup.Invalid;
        }

        value = "";
        return ParameterLookup.Missing;
    }

    /// <inheritdoc />
    public void Dispose() => _json?.Dispose();

    /// <summary>Finds a strict encoding by its IANA name (UTF-8, ISO-8859-1, UTF-16BE, windows-1252…).</summary>
    /// <param name="name">The charset name.</param>
    /// <param name="encoding">The encoding, throwing on invalid bytes.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryGetEncoding(string name, out Encoding encoding)
    {
        if (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            encoding = UrlEncoded.StrictUtf8;
            return true;
        }

        try
        {
            // The code pages (windows-1252 and friends) are not registered globally: ask their provider directly.
            var provider = CodePagesEncodingProvider.Instance;
            encoding = provider.GetEncoding(name) is { } codePage
                ? provider.GetEncoding(codePage.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!
                : Encoding.GetEncoding(Encoding.GetEncoding(name).CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            encoding = UrlEncoded.StrictUtf8;
            return false;
        }
    }

    private static ParameterLookup TryGetJson(JsonElement element, string path, out string value)
    {
        value = "";
        var current = element;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, segment, out current))
            {
                return ParameterLookup.Missing;
            }
        }

        switch (current.ValueKind)
        {
            case JsonValueKind.String:
                value = current.GetString()!;
                return ParameterLookup.Found;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                value = current.GetRawText();
                return ParameterLookup.Found;
            case JsonValueKind.Null:
                return ParameterLookup.Missing;
            default:
                return ParameterLookup.Invalid;
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    private static async ValueTask<byte[]?> ReadBodyAsync(PipeReader reader, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            // Nothing consumed yet: ask for more until the whole body is buffered.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

/// <summary>The outcome of looking up one webhook parameter.</summary>
internal enum ParameterLookup
{
    /// <summary>Present and decoded.</summary>
    Found,

    /// <summary>Not in the request.</summary>
    Missing,

    /// <summary>Present, but not decodable (a bad escape, invalid bytes for the charset, a JSON object where text was expected).</summary>
    Invalid,
}
