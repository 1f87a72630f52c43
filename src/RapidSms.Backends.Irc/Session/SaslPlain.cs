using System.Text;

namespace RapidSms.Backends.Irc.Session;

/// <summary>The SASL PLAIN mechanism (RFC 4616) as IRCv3 carries it in AUTHENTICATE lines.</summary>
internal static class SaslPlain
{
    /// <summary>The longest AUTHENTICATE payload per line.</summary>
    public const int ChunkLength = 400;

    /// <summary>
    /// The AUTHENTICATE payloads for an account and password: base64 of <c>account NUL account NUL password</c>, in
    /// chunks of 400 characters, followed by <c>+</c> when the last chunk is exactly 400 long.
    /// </summary>
    public static List<string> Payloads(string account, string password)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}\0{account}\0{password}"));
        var chunks = new List<string>();
        for (var i = 0; i < encoded.Length; i += ChunkLength)
        {
            chunks.Add(encoded.Substring(i, Math.Min(ChunkLength, encoded.Length - i)));
        }

        if (encoded.Length % ChunkLength == 0)
        {
            chunks.Add("+");
        }

        return chunks;
    }

    /// <summary>Whether a CAP LS value for <c>sasl</c> (empty, or a mechanism list such as <c>PLAIN,EXTERNAL</c>) allows PLAIN.</summary>
    public static bool Offers(string? mechanisms) =>
        mechanisms is not null
        && (mechanisms.Length == 0 || mechanisms.Split(',').Contains("PLAIN", StringComparer.OrdinalIgnoreCase));
}
