using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RapidSms.Backends.Http.Protocol;

namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// Checks a webhook request's shared secret or basic credentials in constant time. Missing credentials get 401,
/// wrong ones 403. Secrets are kept only as SHA-256 digests and never appear in messages.
/// </summary>
internal sealed class WebhookAuthenticator
{
    private readonly byte[]? _secret;
    private readonly string _secretHeader;
    private readonly string? _secretParameter;
    private readonly byte[]? _basic;

    public WebhookAuthenticator(string? secret, string secretHeader, string? secretParameter, string? basicUser, string? basicPassword)
    {
        _secret = string.IsNullOrEmpty(secret) ? null : Digest(secret);
        _secretHeader = secretHeader;
        _secretParameter = string.IsNullOrEmpty(secretParameter) ? null : secretParameter;
        _basic = basicUser is null || basicPassword is null ? null : Digest($"{basicUser}:{basicPassword}");
    }

    /// <summary>Whether any check is configured.</summary>
    public bool IsEnabled => _secret is not null || _basic is not null;

    /// <summary>Checks the request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="parameters">Its parameters, for a secret given as a parameter.</param>
    /// <returns>200 when allowed, else 401 or 403 and why.</returns>
    public (int Status, string? Error) Check(HttpRequest request, WebhookParameters? parameters)
    {
        if (_basic is not null)
        {
            var header = request.Headers.Authorization.ToString();
            if (!AuthenticationHeaderValue.TryParse(header, out var value)
                || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
            {
                return (StatusCodes.Status401Unauthorized, "Basic authentication is required.");
            }

            string credentials;
            try
            {
                credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            }
            catch (FormatException)
            {
                return (StatusCodes.Status401Unauthorized, "The basic credentials are not valid base64.");
            }

            if (!FixedEquals(_basic, credentials))
            {
                return (StatusCodes.Status403Forbidden, "The basic credentials are wrong.");
            }
        }

        if (_secret is not null)
        {
            string? given = request.Headers.TryGetValue(_secretHeader, out var values) && values.Count > 0 ? values[0] : null;
            if (given is null && _secretParameter is not null && parameters is not null
                && parameters.TryGet(_secretParameter, out var fromParameter) == ParameterLookup.Found)
            {
                given = fromParameter;
            }

            if (given is null)
            {
                return (StatusCodes.Status401Unauthorized, _secretParameter is null
                    ? $"The shared secret is missing: send it in the {_secretHeader} header."
                    : $"The shared secret is missing: send it in the {_secretHeader} header or the '{_secretParameter}' parameter.");
            }

            if (!FixedEquals(_secret, given))
            {
                return (StatusCodes.Status403Forbidden, "The shared secret is wrong.");
            }
        }

        return (StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// Reads a webhook request's parameters and checks its credentials. A request that is unreadable or not allowed is
    /// answered through <paramref name="reject"/> (401 with a basic challenge when basic credentials are configured).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="maxRequestSize">The largest body read.</param>
    /// <param name="reject">Logs and answers a rejection with a status and a reason.</param>
    /// <returns>The parameters, which the caller disposes, or <see langword="null"/> when the request was rejected.</returns>
    public async ValueTask<WebhookParameters?> ReadAllowedAsync(HttpContext context, int maxRequestSize, Func<HttpContext, int, string, ValueTask> reject)
    {
        var (parameters, status, error) = await WebhookParameters.ReadAsync(context.Request, maxRequestSize, context.RequestAborted).ConfigureAwait(false);
        if (parameters is null)
        {
            await reject(context, status, error!).ConfigureAwait(false);
            return null;
        }

        if (IsEnabled)
        {
            (status, error) = Check(context.Request, parameters);
            if (error is not null)
            {
                using (parameters)
                {
                    if (status == StatusCodes.Status401Unauthorized && _basic is not null)
                    {
                        context.Response.Headers.WWWAuthenticate = "Basic realm=\"RapidSms\", charset=\"UTF-8\"";
                    }

                    await reject(context, status, error).ConfigureAwait(false);
                    return null;
                }
            }
        }

        return parameters;
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    // Comparing digests keeps the time independent of where the inputs differ and of their lengths.
    private static bool FixedEquals(byte[] expected, string given) => CryptographicOperations.FixedTimeEquals(expected, Digest(given));
}
