using System.Buffers;
using System.Globalization;
using System.Text;

namespace RapidSms.Backends.Email.Client;

/// <summary>
/// A small SMTP submission client (RFC 5321): EHLO, STARTTLS or implicit TLS, AUTH PLAIN or LOGIN,
/// one or more transactions, QUIT. Message bodies are dot-stuffed and sent with CRLF line breaks.
/// </summary>
internal sealed class SmtpClient : IAsyncDisposable
{
    private readonly MailConnection _connection;
    private readonly HashSet<string> _extensions = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _authMechanisms = [];

    private SmtpClient(MailConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Whether the server offers SMTPUTF8 (internationalized addresses).</summary>
    public bool SupportsUtf8 => _extensions.Contains("SMTPUTF8");

    /// <summary>Whether the server offers 8BITMIME.</summary>
    public bool Supports8BitMime => _extensions.Contains("8BITMIME");

    /// <summary>Whether the session runs over TLS.</summary>
    public bool IsSecure => _connection.IsSecure;

    /// <summary>Connects, says EHLO, secures the session and logs in, as <paramref name="server"/> asks.</summary>
    public static async Task<SmtpClient> ConnectAsync(
        MailServer server, string heloName, StreamConnector connector, Action<bool, string>? trace, CancellationToken cancellationToken)
    {
        var connection = await server.OpenAsync(connector, 64 * 1024, trace, cancellationToken).ConfigureAwait(false);
        var client = new SmtpClient(connection);
        try
        {
            await client.ExpectAsync(220, "greeting", cancellationToken).ConfigureAwait(false);
            await client.HelloAsync(heloName, cancellationToken).ConfigureAwait(false);
            if (server.Security is EmailSecurity.StartTls or EmailSecurity.StartTlsWhenAvailable && !connection.IsSecure)
            {
                if (client._extensions.Contains("STARTTLS"))
                {
                    await connection.WriteLineAsync("STARTTLS", cancellationToken).ConfigureAwait(false);
                    await client.ExpectAsync(220, "STARTTLS", cancellationToken).ConfigureAwait(false);
                    await connection.UpgradeToTlsAsync(server.Host, server.ValidateCertificate, cancellationToken).ConfigureAwait(false);
                    await client.HelloAsync(heloName, cancellationToken).ConfigureAwait(false);
                }
                else if (server.Security == EmailSecurity.StartTls)
                {
                    throw new MailProtocolException($"The SMTP server {server} does not offer STARTTLS, and the backend requires it.", isTransient: false);
                }
            }

            if (!string.IsNullOrEmpty(server.UserName))
            {
                if (server.AccessToken is { } provider)
                {
                    await client.AuthenticateWithTokenAsync(server.UserName, provider, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await client.AuthenticateAsync(server.UserName, server.Password ?? "", cancellationToken).ConfigureAwait(false);
                }
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends one message in one transaction. Returns, per recipient, null when accepted or the server's
    /// refusal; throws <see cref="MailProtocolException"/> when the message as a whole was refused.
    /// </summary>
    public async Task<IReadOnlyList<MailProtocolException?>> SendAsync(
        string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var international = !Ascii(from) || recipients.Any(r => !Ascii(r));
        if (international && !SupportsUtf8)
        {
            throw new MailProtocolException("The address is not ASCII and the SMTP server does not offer SMTPUTF8.", isTransient: false, 553);
        }

        var mailFrom = new StringBuilder("MAIL FROM:<").Append(from).Append('>');
        if (international)
        {
            mailFrom.Append(" SMTPUTF8");
        }

        if (Supports8BitMime && message.Span.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            mailFrom.Append(" BODY=8BITMIME");
        }

        try
        {
            return await TransactAsync(mailFrom.ToString(), recipients, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailProtocolException)
        {
            // The server refused part of the transaction: reset it, so the session can carry the next mail.
            await _connection.WriteLineAsync("RSET", cancellationToken).ConfigureAwait(false);
            await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks that the session is still open and answering (before reusing it).</summary>
    public async Task NoopAsync(CancellationToken cancellationToken)
    {
        await _connection.WriteLineAsync("NOOP", cancellationToken).ConfigureAwait(false);
        await ExpectAsync(250, "NOOP", cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<MailProtocolException?>> TransactAsync(
        string mailFrom, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _connection.WriteLineAsync(mailFrom, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(250, "MAIL FROM", cancellationToken).ConfigureAwait(false);

        var results = new MailProtocolException?[recipients.Count];
        var accepted = 0;
        for (var i = 0; i < recipients.Count; i++)
        {
            await _connection.WriteLineAsync($"RCPT TO:<{recipients[i]}>", cancellationToken).ConfigureAwait(false);
            var (code, text) = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
            if (code is 250 or 251)
            {
                accepted++;
            }
            else
            {
                results[i] = Refused("RCPT TO", code, text);
            }
        }

        if (accepted == 0)
        {
            await _connection.WriteLineAsync("RSET", cancellationToken).ConfigureAwait(false);
            await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
            return results;
        }

        await _connection.WriteLineAsync("DATA", cancellationToken).ConfigureAwait(false);
        await ExpectAsync(354, "DATA", cancellationToken).ConfigureAwait(false);
        _connection.TraceWritten($"({message.Length} bytes of message)");
        await _connection.WriteRawAsync(DotStuff(message.Span), cancellationToken).ConfigureAwait(false);
        await ExpectAsync(250, "end of DATA", cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>Says goodbye; errors are ignored, the message is already sent.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.WriteLineAsync("QUIT", cancellationToken).ConfigureAwait(false);
            await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The server may close first.
        }
    }

    /// <summary>
    /// Makes message bytes safe for DATA: CRLF line breaks (a bare CR or LF becomes CRLF), a leading
    /// "." on a line doubled, and the final ".".
    /// </summary>
    public static byte[] DotStuff(ReadOnlySpan<byte> message)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + (message.Length / 50) + 8);
        var atLineStart = true;
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (b == (byte)'\r' || b == (byte)'\n')
            {
                if (b == (byte)'\r' && i + 1 < message.Length && message[i + 1] == (byte)'\n')
                {
                    i++;
                }

                output.Write("\r\n"u8);
                atLineStart = true;
                continue;
            }

            if (atLineStart && b == (byte)'.')
            {
                output.Write("."u8);
            }

            output.Write([b]);
            atLineStart = false;
        }

        output.Write(atLineStart ? ".\r\n"u8 : "\r\n.\r\n"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task HelloAsync(string heloName, CancellationToken cancellationToken)
    {
        await _connection.WriteLineAsync("EHLO " + heloName, cancellationToken).ConfigureAwait(false);
        var (code, lines) = await ReadReplyLinesAsync(cancellationToken).ConfigureAwait(false);
        _extensions.Clear();
        _authMechanisms.Clear();
        if (code != 250)
        {
            // An old server: HELO, with no extensions at all.
            await _connection.WriteLineAsync("HELO " + heloName, cancellationToken).ConfigureAwait(false);
            await ExpectAsync(250, "HELO", cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var line in lines.Skip(1))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            _extensions.Add(words[0]);
            if (words[0].Equals("AUTH", StringComparison.OrdinalIgnoreCase))
            {
                _authMechanisms.AddRange(words.Skip(1).Select(w => w.ToUpperInvariant()));
            }
        }
    }

    private async Task AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (_authMechanisms.Contains("PLAIN") || !_authMechanisms.Contains("LOGIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{userName}\0{password}"));
            await _connection.WriteLineAsync("AUTH PLAIN " + token, cancellationToken, traceAs: "AUTH PLAIN ********").ConfigureAwait(false);
        }
        else
        {
            await _connection.WriteLineAsync("AUTH LOGIN", cancellationToken).ConfigureAwait(false);
            await ExpectAsync(334, "AUTH LOGIN", cancellationToken).ConfigureAwait(false);
            await _connection.WriteLineAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(userName)), cancellationToken, traceAs: "********")
                .ConfigureAwait(false);
            await ExpectAsync(334, "AUTH LOGIN user name", cancellationToken).ConfigureAwait(false);
            await _connection.WriteLineAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), cancellationToken, traceAs: "********")
                .ConfigureAwait(false);
        }

        var (code, text) = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        if (code != 235)
        {
            // 454 is a temporary failure; 535 and the rest mean the credentials are wrong.
            throw new MailProtocolException($"The SMTP server refused the login: {code} {text}", isTransient: code is >= 400 and < 500, code);
        }
    }

    /// <summary>
    /// AUTH XOAUTH2, the token sent after the server's 334 (no initial response, which some servers cap in
    /// length). A refused token comes back as a 334 holding the server's JSON error, answered with an empty
    /// line. The refusal counts as transient: the next attempt asks the provider again, for a fresh token.
    /// </summary>
    private async Task AuthenticateWithTokenAsync(string userName, Func<CancellationToken, ValueTask<string>> provider, CancellationToken cancellationToken)
    {
        if (!_authMechanisms.Contains(XOAuth2.Mechanism))
        {
            throw new MailProtocolException(
                "The SMTP server does not offer AUTH XOAUTH2, which an access token needs; set SmtpPassword to log in with a password.", isTransient: false);
        }

        var response = XOAuth2.Response(userName, await XOAuth2.GetTokenAsync(provider, cancellationToken).ConfigureAwait(false));
        await _connection.WriteLineAsync("AUTH " + XOAuth2.Mechanism, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(334, "AUTH XOAUTH2", cancellationToken).ConfigureAwait(false);
        await _connection.WriteLineAsync(response, cancellationToken, traceAs: "********").ConfigureAwait(false);
        var (code, text) = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        var error = "";
        if (code == 334)
        {
            error = $" ({XOAuth2.DescribeChallenge(text)})";
            await _connection.WriteLineAsync("", cancellationToken).ConfigureAwait(false);
            (code, text) = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }

        if (code != 235)
        {
            throw new MailProtocolException($"The SMTP server refused the access token: {code} {text}{error}", isTransient: code is >= 400 and < 600, code);
        }
    }

    private async Task ExpectAsync(int expected, string what, CancellationToken cancellationToken)
    {
        var (code, text) = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        if (code != expected)
        {
            throw Refused(what, code, text);
        }
    }

    private static MailProtocolException Refused(string what, int code, string text) =>
        new($"The SMTP server refused {what}: {code} {text}", isTransient: code is >= 400 and < 500, code);

    private async Task<(int Code, string Text)> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var (code, lines) = await ReadReplyLinesAsync(cancellationToken).ConfigureAwait(false);
        return (code, string.Join(" ", lines));
    }

    private async Task<(int Code, List<string> Lines)> ReadReplyLinesAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = Encoding.UTF8.GetString(await _connection.ReadLineAsync(cancellationToken).ConfigureAwait(false));
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                throw new IOException($"The SMTP server sent a malformed reply: {line}");
            }

            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] != '-')
            {
                return (code, lines);
            }

            if (lines.Count > 1000)
            {
                throw new IOException("The SMTP server sent a reply of more than 1000 lines.");
            }
        }
    }

    private static bool Ascii(string text) => !text.AsSpan().ContainsAnyExceptInRange('\0', '\u007F');
}
