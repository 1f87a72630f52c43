using System.Globalization;
using System.Text;

namespace RapidSms.Backends.Email.Client;

/// <summary>
/// A small IMAP4rev1 client (RFC 3501) with what the backend needs: capabilities, STARTTLS or
/// implicit TLS, LOGIN or AUTHENTICATE PLAIN, SELECT, UID SEARCH UNSEEN, UID FETCH BODY.PEEK[],
/// UID STORE +FLAGS, IDLE (RFC 2177), NOOP and LOGOUT.
/// </summary>
internal sealed class ImapClient : IAsyncDisposable
{
    /// <summary>The longest line accepted outside literals.</summary>
    public const int MaxLineLength = 8 * 1024 * 1024;

    private static readonly TimeSpan StoppingTimeout = TimeSpan.FromSeconds(5);
    private readonly MailConnection _connection;
    private readonly int _maxLiteral;
    private readonly HashSet<string> _capabilities = new(StringComparer.OrdinalIgnoreCase);
    private int _tag;
    private bool _newMail;
    private bool _broken;

    private ImapClient(MailConnection connection, int maxLiteral)
    {
        _connection = connection;
        _maxLiteral = maxLiteral;
    }

    /// <summary>The server's capabilities, as last announced.</summary>
    public IReadOnlyCollection<string> Capabilities => _capabilities;

    /// <summary>Whether the server offers IDLE.</summary>
    public bool SupportsIdle => _capabilities.Contains("IDLE");

    /// <summary>Whether the session runs over TLS.</summary>
    public bool IsSecure => _connection.IsSecure;

    /// <summary>The UIDVALIDITY of the selected mailbox, or 0.</summary>
    public uint Validity { get; private set; }

    /// <summary>Whether the server announced new mail (EXISTS, RECENT) since the last search.</summary>
    public bool HasNewMail => _newMail;

    /// <summary>Connects, secures the session as <paramref name="server"/> asks, and logs in.</summary>
    /// <param name="server">The server and credentials.</param>
    /// <param name="connector">Opens the byte stream.</param>
    /// <param name="maxLiteral">The largest literal accepted (the biggest message fetched plus room).</param>
    /// <param name="trace">The protocol trace, or null.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    public static async Task<ImapClient> ConnectAsync(
        MailServer server, StreamConnector connector, int maxLiteral, Action<bool, string>? trace, CancellationToken cancellationToken)
    {
        // Lines outside literals are short, except SEARCH's answer: a backlog of a million unread mails
        // is one line of about 8 MB. A longer line breaks the link rather than the memory.
        var connection = await server.OpenAsync(connector, MaxLineLength, trace, cancellationToken).ConfigureAwait(false);
        var client = new ImapClient(connection, maxLiteral);
        try
        {
            var greeting = await client.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (greeting.Status is not ("OK" or "PREAUTH"))
            {
                throw new MailProtocolException($"The IMAP server {server} refused the connection: {greeting.Status} {greeting.Text}", isTransient: true);
            }

            client.TakeCapabilities(greeting.Code);
            if (client._capabilities.Count == 0)
            {
                await client.RefreshCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
            }

            if (server.Security is EmailSecurity.StartTls or EmailSecurity.StartTlsWhenAvailable && !connection.IsSecure)
            {
                if (client._capabilities.Contains("STARTTLS"))
                {
                    await client.RunAsync("STARTTLS", cancellationToken).ConfigureAwait(false);
                    await connection.UpgradeToTlsAsync(server.Host, server.ValidateCertificate, cancellationToken).ConfigureAwait(false);
                    await client.RefreshCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (server.Security == EmailSecurity.StartTls)
                {
                    throw new MailProtocolException($"The IMAP server {server} does not offer STARTTLS, and the backend requires it.", isTransient: false);
                }
            }

            if (greeting.Status != "PREAUTH")
            {
                if (server.AccessToken is { } provider)
                {
                    await client.LoginWithTokenAsync(server.UserName ?? "", provider, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await client.LoginAsync(server.UserName ?? "", server.Password ?? "", cancellationToken).ConfigureAwait(false);
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

    /// <summary>Selects <paramref name="mailbox"/> read-write and returns its UIDVALIDITY.</summary>
    public async Task<uint> SelectAsync(string mailbox, CancellationToken cancellationToken)
    {
        var (done, untagged) = await RunAsync("SELECT " + Quote(EncodeMailboxName(mailbox)), cancellationToken).ConfigureAwait(false);
        uint validity = 0;
        foreach (var response in untagged.Append(done))
        {
            if (response.Code is { } code && code.StartsWith("UIDVALIDITY ", StringComparison.OrdinalIgnoreCase))
            {
                _ = uint.TryParse(code.AsSpan("UIDVALIDITY ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out validity);
            }
        }

        Validity = validity;
        return validity;
    }

    /// <summary>The UIDs of the messages without \Seen, in ascending order.</summary>
    public Task<IReadOnlyList<uint>> SearchUnseenAsync(CancellationToken cancellationToken) => SearchAsync("UNSEEN", cancellationToken);

    /// <summary>The UIDs of the messages matching <paramref name="criteria"/> (IMAP search syntax), in ascending order.</summary>
    public async Task<IReadOnlyList<uint>> SearchAsync(string criteria, CancellationToken cancellationToken)
    {
        // Whatever arrived so far is covered by this search.
        _newMail = false;
        var (_, untagged) = await RunAsync("UID SEARCH " + criteria, cancellationToken).ConfigureAwait(false);
        var uids = new SortedSet<uint>();
        foreach (var response in untagged.Where(r => r.Atom(0).Equals("SEARCH", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var token in response.Tokens.Skip(1))
            {
                if (token is string text && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                {
                    uids.Add(uid);
                }
            }
        }

        return [.. uids];
    }

    /// <summary>
    /// Fetches the first <paramref name="maxBytes"/> bytes of a message without setting \Seen
    /// (BODY.PEEK). Returns <see langword="null"/> when the message no longer exists.
    /// </summary>
    public async Task<FetchedMessage?> FetchAsync(uint uid, int maxBytes, CancellationToken cancellationToken)
    {
        var command = string.Create(CultureInfo.InvariantCulture, $"UID FETCH {uid} (UID RFC822.SIZE BODY.PEEK[]<0.{maxBytes}>)");
        var (_, untagged) = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        foreach (var response in untagged)
        {
            if (!response.Atom(1).Equals("FETCH", StringComparison.OrdinalIgnoreCase) || response.Tokens.Count < 3 || response.Tokens[2] is not List<object?> items)
            {
                continue;
            }

            uint? fetchedUid = null;
            long size = 0;
            byte[]? body = null;
            for (var i = 0; i + 1 < items.Count; i += 2)
            {
                var name = items[i] as string ?? "";
                var value = items[i + 1];
                if (name.Equals("UID", StringComparison.OrdinalIgnoreCase)
                    && uint.TryParse(value as string, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
                {
                    fetchedUid = u;
                }
                else if (name.Equals("RFC822.SIZE", StringComparison.OrdinalIgnoreCase))
                {
                    _ = long.TryParse(value as string, NumberStyles.None, CultureInfo.InvariantCulture, out size);
                }
                else if (name.StartsWith("BODY[", StringComparison.OrdinalIgnoreCase))
                {
                    body = value as byte[] ?? [];
                }
            }

            if (fetchedUid == uid && body is not null)
            {
                return new FetchedMessage(uid, size, body);
            }
        }

        return null;
    }

    /// <summary>Sets \Seen (and \Flagged when <paramref name="flag"/>) on a message.</summary>
    public async Task MarkSeenAsync(uint uid, bool flag, CancellationToken cancellationToken)
    {
        var flags = flag ? "(\\Seen \\Flagged)" : "(\\Seen)";
        await RunAsync(string.Create(CultureInfo.InvariantCulture, $"UID STORE {uid} +FLAGS.SILENT {flags}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the server for news (new mail, expunges) and checks that the link is alive.</summary>
    public Task NoopAsync(CancellationToken cancellationToken) => RunAsync("NOOP", cancellationToken);

    /// <summary>
    /// Waits in IDLE until the server reports a change, <paramref name="maxIdle"/> passes, or
    /// <paramref name="cancellationToken"/> is cancelled, then ends IDLE cleanly. A server that does not
    /// answer DONE within <paramref name="commandTimeout"/> is taken for gone (<see cref="TimeoutException"/>).
    /// </summary>
    /// <returns>What happened: a change reported, nothing, or IDLE refused (poll instead).</returns>
    public async Task<IdleResult> IdleAsync(TimeSpan maxIdle, TimeSpan commandTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (_newMail)
        {
            // The server announced mail during an earlier command (EXISTS in a STORE's answer, say):
            // IDLE would not announce it again.
            return IdleResult.Changed;
        }

        var tag = NextTag();
        await _connection.WriteLineAsync(tag + " IDLE", cancellationToken).ConfigureAwait(false);
        var changed = false;
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (response.Tag == "+")
            {
                break;
            }

            if (response.Tag == tag)
            {
                // Advertised but refused (or not advertised and tried anyway): the caller polls instead.
                return IdleResult.Refused;
            }

            changed |= IsChange(response);
        }

        if (changed)
        {
            // News arrived before IDLE started (DONE is only allowed after the continuation): leave at once.
            await _connection.WriteLineAsync("DONE", cancellationToken).ConfigureAwait(false);
            await WaitForTagAsync(tag, cancellationToken).ConfigureAwait(false);
            return IdleResult.Changed;
        }

        // One read stays pending while the timer runs: reads are never cancelled half-way, so a TLS
        // stream is never left in the middle of a record.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = ReadAsync(CancellationToken.None).AsTask();
        var timer = Task.Delay(maxIdle, timeProvider, stop.Token);
        while (true)
        {
            var first = await Task.WhenAny(read, timer).ConfigureAwait(false);
            if (first == timer)
            {
                break;
            }

            var response = await read.ConfigureAwait(false);
            if (response.Tag == tag)
            {
                // The server ended IDLE on its own.
                await stop.CancelAsync().ConfigureAwait(false);
                return IdleResult.Changed;
            }

            if (response.Status == "BYE")
            {
                throw new IOException($"The IMAP server closed the session: {response.Text}");
            }

            if (IsChange(response))
            {
                changed = true;
                break;
            }

            read = ReadAsync(CancellationToken.None).AsTask();
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await _connection.WriteLineAsync("DONE", CancellationToken.None).ConfigureAwait(false);
        while (true)
        {
            // A link that died silently while idle shows here: DONE gets no answer. The read stays
            // pending, so the session is unusable from now on.
            // When stopping, still wait (briefly) for the answer so the session can log out cleanly.
            var answerTimeout = cancellationToken.IsCancellationRequested && commandTimeout > StoppingTimeout ? StoppingTimeout : commandTimeout;
            ImapResponse response;
            try
            {
                response = await read.WaitAsync(answerTimeout, timeProvider, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                _broken = true;
                _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            if (response.Tag == tag)
            {
                if (response.Status != "OK")
                {
                    throw new MailProtocolException($"The IMAP server ended IDLE with {response.Status} {response.Text}", isTransient: true);
                }

                cancellationToken.ThrowIfCancellationRequested();
                return changed ? IdleResult.Changed : IdleResult.Quiet;
            }

            changed |= IsChange(response);
            read = ReadAsync(CancellationToken.None).AsTask();
        }
    }

    /// <summary>Logs out when the session is still usable; errors are ignored, the connection is closed anyway.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        if (_broken)
        {
            return;
        }

        try
        {
            await RunAsync("LOGOUT", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>Encodes a mailbox name in modified UTF-7 (RFC 3501 section 5.1.3).</summary>
    public static string EncodeMailboxName(string name)
    {
        var output = new StringBuilder(name.Length);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c is >= ' ' and <= '~')
            {
                output.Append(c == '&' ? "&-" : c.ToString());
                i++;
                continue;
            }

            var start = i;
            while (i < name.Length && name[i] is < ' ' or > '~')
            {
                i++;
            }

            var utf16 = Encoding.BigEndianUnicode.GetBytes(name[start..i]);
            output.Append('&').Append(Convert.ToBase64String(utf16).TrimEnd('=').Replace('/', ',')).Append('-');
        }

        return output.ToString();
    }

    /// <summary>Quotes a string for a command (quoted string; callers use literals for 8-bit text).</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static bool IsNewMail(ImapResponse response) =>
        response.IsUntagged && response.Atom(1).ToUpperInvariant() is "EXISTS" or "RECENT";

    private static bool IsChange(ImapResponse response) =>
        response.IsUntagged && response.Atom(1).ToUpperInvariant() is "EXISTS" or "RECENT" or "EXPUNGE" or "FETCH";

    private async Task LoginAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{userName}\0{password}"));
        ImapResponse done;
        if (_capabilities.Contains("AUTH=PLAIN") && _capabilities.Contains("SASL-IR"))
        {
            done = await CommandAsync("AUTHENTICATE PLAIN " + plain, "AUTHENTICATE PLAIN ********", cancellationToken).ConfigureAwait(false);
        }
        else if (_capabilities.Contains("AUTH=PLAIN"))
        {
            done = await AuthenticateWithContinuationsAsync("PLAIN", [plain], cancellationToken).ConfigureAwait(false);
        }
        else if (!_capabilities.Contains("LOGINDISABLED"))
        {
            // LOGIN with each argument as a quoted string, or as a literal when it holds 8-bit or special characters.
            done = await SendWithLiteralsAsync(NextTag(), ["LOGIN ", userName, " ", password], cancellationToken).ConfigureAwait(false);
        }
        else if (_capabilities.Contains("AUTH=LOGIN"))
        {
            string[] answers = [Convert.ToBase64String(Encoding.UTF8.GetBytes(userName)), Convert.ToBase64String(Encoding.UTF8.GetBytes(password))];
            done = await AuthenticateWithContinuationsAsync("LOGIN", answers, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new MailProtocolException(
                "The IMAP server offers no login method this client knows (LOGIN, AUTHENTICATE PLAIN or LOGIN); with STARTTLS off, it may allow logins only over TLS.",
                isTransient: false);
        }

        await CompleteLoginAsync(done, "", cancellationToken).ConfigureAwait(false);
    }

    private async Task CompleteLoginAsync(ImapResponse done, string detail, CancellationToken cancellationToken)
    {
        if (done.Status != "OK")
        {
            var transient = done.Code is { } responseCode && responseCode.StartsWith("UNAVAILABLE", StringComparison.OrdinalIgnoreCase);
            var code = done.Code is null ? "" : $"[{done.Code}] ";
            throw new MailProtocolException($"The IMAP server refused the login: {done.Status} {code}{done.Text}{detail}", transient);
        }

        if (!TakeCapabilities(done.Code))
        {
            await RefreshCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Logs in with SASL XOAUTH2 (RFC 4959 initial response when offered). A refused token comes back as
    /// a challenge holding the server's JSON error, answered with an empty line; the error goes into the
    /// exception, the token never leaves the connection.
    /// </summary>
    private async Task LoginWithTokenAsync(string userName, Func<CancellationToken, ValueTask<string>> provider, CancellationToken cancellationToken)
    {
        if (!_capabilities.Contains("AUTH=" + XOAuth2.Mechanism))
        {
            throw new MailProtocolException(
                "The IMAP server does not offer AUTHENTICATE XOAUTH2, which an access token needs; log in with a password instead.", isTransient: false);
        }

        var response = XOAuth2.Response(userName, await XOAuth2.GetTokenAsync(provider, cancellationToken).ConfigureAwait(false));
        var tag = NextTag();
        var initial = _capabilities.Contains("SASL-IR");
        await _connection.WriteLineAsync(
            $"{tag} AUTHENTICATE {XOAuth2.Mechanism}{(initial ? " " + response : "")}",
            cancellationToken,
            traceAs: $"{tag} AUTHENTICATE {XOAuth2.Mechanism}{(initial ? " ********" : "")}").ConfigureAwait(false);
        var sent = initial;
        var error = "";
        while (true)
        {
            var reply = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reply.Tag == tag)
            {
                await CompleteLoginAsync(reply, error.Length > 0 ? $" ({error})" : "", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (reply.Tag != "+")
            {
                continue;
            }

            if (!sent)
            {
                sent = true;
                await _connection.WriteLineAsync(response, cancellationToken, traceAs: "********").ConfigureAwait(false);
            }
            else
            {
                // The token was refused: the challenge carries the reason; an empty answer ends the exchange.
                error = XOAuth2.DescribeChallenge(reply.Text);
                await _connection.WriteLineAsync("", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ImapResponse> AuthenticateWithContinuationsAsync(string mechanism, string[] answers, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await _connection.WriteLineAsync(tag + " AUTHENTICATE " + mechanism, cancellationToken).ConfigureAwait(false);
        var next = 0;
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (response.Tag == tag)
            {
                return response;
            }

            if (response.Tag == "+")
            {
                // Answer each challenge in turn; an unexpected extra challenge is cancelled with "*".
                var answer = next < answers.Length ? answers[next++] : "*";
                await _connection.WriteLineAsync(answer, cancellationToken, traceAs: "********").ConfigureAwait(false);
            }
        }
    }

    private async Task<ImapResponse> SendWithLiteralsAsync(string tag, string[] parts, CancellationToken cancellationToken)
    {
        // parts alternate: raw command text, then an argument, then raw text, ...
        var line = new StringBuilder(tag).Append(' ');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 0)
            {
                line.Append(parts[i]);
                continue;
            }

            var argument = parts[i];
            if (!argument.AsSpan().ContainsAnyExceptInRange(' ', '~'))
            {
                line.Append(Quote(argument));
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(argument);
            var nonSynchronizing = _capabilities.Contains("LITERAL+");
            line.Append('{').Append(bytes.Length.ToString(CultureInfo.InvariantCulture)).Append(nonSynchronizing ? "+}" : "}");
            await _connection.WriteLineAsync(line.ToString(), cancellationToken, traceAs: tag + " (credentials)").ConfigureAwait(false);
            line.Clear();
            if (!nonSynchronizing)
            {
                var go = await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (go.Tag != "+")
                {
                    return go;
                }
            }

            _connection.TraceWritten("(literal)");
            await _connection.WriteRawAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        _connection.TraceWritten("(credentials)");
        await _connection.WriteRawAsync(Encoding.UTF8.GetBytes(line.Append("\r\n").ToString()), cancellationToken).ConfigureAwait(false);
        return await WaitForTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var (_, untagged) = await RunAsync("CAPABILITY", cancellationToken).ConfigureAwait(false);
        foreach (var response in untagged.Where(r => r.Atom(0).Equals("CAPABILITY", StringComparison.OrdinalIgnoreCase)))
        {
            _capabilities.Clear();
            foreach (var token in response.Tokens.Skip(1))
            {
                if (token is string capability)
                {
                    _capabilities.Add(capability);
                }
            }
        }
    }

    private bool TakeCapabilities(string? code)
    {
        if (code is null || !code.StartsWith("CAPABILITY ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        _capabilities.Clear();
        foreach (var capability in code["CAPABILITY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            _capabilities.Add(capability);
        }

        return true;
    }

    private async Task<ImapResponse> CommandAsync(string command, string? traceAs, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await _connection.WriteLineAsync(tag + " " + command, cancellationToken, traceAs is null ? null : tag + " " + traceAs).ConfigureAwait(false);
        return await WaitForTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(ImapResponse Done, List<ImapResponse> Untagged)> RunAsync(string command, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await _connection.WriteLineAsync(tag + " " + command, cancellationToken).ConfigureAwait(false);
        var untagged = new List<ImapResponse>();
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (response.Tag == tag)
            {
                if (response.Status != "OK")
                {
                    var verb = command.Split(' ')[0] is "UID" ? string.Join(' ', command.Split(' ').Take(2)) : command.Split(' ')[0];
                    throw new MailProtocolException($"The IMAP server answered {verb} with {response.Status} {response.Text}", isTransient: response.Status == "NO");
                }

                return (response, untagged);
            }

            if (response.Status == "BYE")
            {
                throw new IOException($"The IMAP server closed the session: {response.Text}");
            }

            if (response.IsUntagged && untagged.Count < 100_000)
            {
                untagged.Add(response);
            }

            _newMail |= IsNewMail(response);
        }
    }

    private async Task<ImapResponse> WaitForTagAsync(string tag, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (response.Tag == tag)
            {
                return response;
            }

            if (response.Status == "BYE" && response.IsUntagged)
            {
                throw new IOException($"The IMAP server closed the session: {response.Text}");
            }

            _newMail |= IsNewMail(response);
        }
    }

    private async ValueTask<ImapResponse> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ImapResponse.ReadAsync(_connection, _maxLiteral, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A read that failed or was cancelled half-way leaves the stream at an unknown point.
            _broken = true;
            throw;
        }
    }

    private string NextTag() => "R" + (++_tag).ToString("D4", CultureInfo.InvariantCulture);
}

/// <summary>How an IDLE ended.</summary>
internal enum IdleResult
{
    /// <summary>Nothing happened before the time was up.</summary>
    Quiet,

    /// <summary>The server reported a change (new mail, most likely).</summary>
    Changed,

    /// <summary>The server refused IDLE; poll instead.</summary>
    Refused,
}

/// <summary>A message fetched with BODY.PEEK[].</summary>
/// <param name="Uid">Its UID.</param>
/// <param name="Size">Its full size (RFC822.SIZE), which may exceed what was fetched.</param>
/// <param name="Content">The bytes fetched: all of it, or its beginning when it is larger than the limit.</param>
internal sealed record FetchedMessage(uint Uid, long Size, byte[] Content)
{
    /// <summary>True when only the beginning was fetched.</summary>
    public bool IsTruncated => Size > Content.Length;
}
