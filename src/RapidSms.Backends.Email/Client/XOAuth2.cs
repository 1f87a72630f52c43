using System.Text;

namespace RapidSms.Backends.Email.Client;

/// <summary>
/// The SASL XOAUTH2 mechanism Gmail and Microsoft 365 accept for IMAP and SMTP: the user name and an
/// OAuth 2.0 bearer token in one base64 response. A refused token is answered with a base64 JSON
/// challenge, to which the client replies with an empty line before the final refusal.
/// </summary>
internal static class XOAuth2
{
    /// <summary>The mechanism's name as servers advertise it.</summary>
    public const string Mechanism = "XOAUTH2";

    /// <summary>Asks <paramref name="provider"/> for a token; its failures become transient link failures.</summary>
    public static async ValueTask<string> GetTokenAsync(Func<CancellationToken, ValueTask<string>> provider, CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await provider(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The provider's own message is not repeated here: it may quote what it sent to the token endpoint.
            throw new MailProtocolException($"The access token provider failed ({ex.GetType().Name}); see the inner exception.", isTransient: true, innerException: ex);
        }

        if (string.IsNullOrWhiteSpace(token) || token.AsSpan().ContainsAny('\r', '\n', '\u0001'))
        {
            throw new MailProtocolException("The access token provider returned an empty or malformed token.", isTransient: true);
        }

        return token;
    }

    /// <summary>The base64 client response: <c>user=NAME^Aauth=Bearer TOKEN^A^A</c>.</summary>
    public static string Response(string userName, string token) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"user={userName}\u0001auth=Bearer {token}\u0001\u0001"));

    /// <summary>The server's error challenge decoded (a small JSON object such as <c>{"status":"401",...}</c>), for the error message.</summary>
    public static string DescribeChallenge(string challenge)
    {
        var trimmed = challenge.Trim();
        if (trimmed.Length == 0)
        {
            return "";
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(trimmed));
            return text.Length > 300 ? text[..300] : text;
        }
        catch (FormatException)
        {
            return trimmed.Length > 300 ? trimmed[..300] : trimmed;
        }
    }
}
