using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Email.Client;
using RapidSms.Backends.Email.Protocol;

namespace RapidSms.Backends.Email;

/// <summary>
/// The email backend (RapidSMS's email backend): every unread mail in an IMAP mailbox becomes an incoming
/// message from the sender's address, and messages to an address go out by SMTP, replies threaded under
/// the mail they answer.
/// </summary>
/// <remarks>
/// <para>Mail is read with BODY.PEEK, so reading does not mark it; it is marked \Seen only once the
/// router has the message (and has sent its replies). A mail that cannot be routed (no sender, sent
/// by a machine, refused by the router) is marked \Seen and \Flagged and logged, so it never blocks
/// the mailbox. The backend waits for new mail with IDLE when the server offers it and polls
/// otherwise, and reconnects with back-off when the link breaks.</para>
/// <para>Incoming messages carry the subject, message id and thread in <see cref="EmailFields"/>.</para>
/// </remarks>
[BackendEngine("email", Aliases = ["rapidsms.backends.email.EmailBackend", "rapidsms.backends.email"])]
public sealed class EmailBackend : BackendBase<EmailOptions>
{
    private const int MaxFetchAttempts = 3;
    private static readonly System.Buffers.SearchValues<char> AddressStoppers = System.Buffers.SearchValues.Create("\r\n<> \t,;\"");
    private readonly HashSet<(uint Validity, uint Uid)> _routedNotSeen = [];
    private readonly Dictionary<(uint Validity, uint Uid), int> _fetchFailures = [];
    private readonly HashSet<(uint Validity, uint Uid)> _unmarkable = [];
    private readonly IMeterFactory? _meterFactory;
    private EmailMetrics? _metrics;
    private int _imapConnected;
    private MailServer? _imap;
    private MailServer? _smtp;
    private SmtpSessionPool? _smtpSessions;
    private MailboxAddress? _from;
    private string _imapDescription = "";

    /// <summary>Creates the backend; the host configures and starts it.</summary>
    /// <param name="meterFactory">Where the backend's instruments (<see cref="EmailTelemetry"/>) are created; none without it.</param>
    public EmailBackend(IMeterFactory? meterFactory = null)
    {
        _meterFactory = meterFactory;
    }

    /// <summary>Opens the byte streams to the servers; tests replace it with in-process servers.</summary>
    internal StreamConnector Connector { get; set; } = MailServer.ConnectTcpAsync;

    /// <inheritdoc />
    protected override void OnConfigure(EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            throw new ArgumentException(
                $"MaxReconnectDelay ({options.MaxReconnectDelay}) must not be shorter than ReconnectDelay ({options.ReconnectDelay}).", nameof(options));
        }

        if (options.FromAddress.AsSpan().ContainsAny("\r\n<> "))
        {
            throw new ArgumentException("FromAddress must be a bare address such as sms@example.org.", nameof(options));
        }

        var token = options.AccessTokenProvider;
        if (token is null && string.IsNullOrEmpty(options.ImapPassword))
        {
            throw new ArgumentException("ImapPassword is required, unless AccessTokenProvider supplies OAuth 2.0 tokens.", nameof(options));
        }

        _imap = new MailServer(
            options.ImapHost, options.ImapPort, options.ImapSecurity, options.ImapUserName, options.ImapPassword, options.ServerCertificateThumbprint, token);
        _imapDescription = _imap.ToString();
        var smtpUser = options.SmtpUserName ?? options.ImapUserName;
        var smtpPassword = options.SmtpUserName is null ? options.ImapPassword : options.SmtpPassword;
        var smtpToken = string.IsNullOrEmpty(options.SmtpPassword) ? token : null;
        _smtp = new MailServer(
            options.SmtpHost, options.SmtpPort, options.SmtpSecurity, smtpUser, smtpPassword, options.ServerCertificateThumbprint, smtpToken);
        _from = new MailboxAddress(options.FromName ?? "", options.FromAddress);
        var smtp = _smtp;
        var heloName = options.HeloName ?? HostName();
        _smtpSessions = new SmtpSessionPool(
            cancellationToken => SmtpClient.ConnectAsync(smtp, heloName, Connector, Trace("SMTP"), cancellationToken), options.SmtpKeepAlive, TimeProvider);
    }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_meterFactory is not null && _metrics is null)
        {
            // The factory hands every caller in the host the same RapidSms meter and disposes it with the host, so it is not disposed here.
            _metrics = new EmailMetrics(_meterFactory.Create(new MeterOptions(RapidSmsTelemetry.Name)), Name, () => Volatile.Read(ref _imapConnected) == 1);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the mailbox until stopped, reconnecting with back-off when the link breaks.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = Options.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var routerOpen = await RunSessionAsync(() => delay = Options.ReconnectDelay, stoppingToken).ConfigureAwait(false);
                if (!routerOpen)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                var wait = Jitter(delay);
                Log.ImapConnectionLost(Logger, Name, _imapDescription, wait, ex);
                _metrics?.ImapReconnecting();
                await Task.Delay(wait, TimeProvider, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxReconnectDelay.Ticks));
            }
        }
    }

    /// <summary>Sends <paramref name="message"/> as one mail per identity, over one SMTP session.</summary>
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var results = new RecipientResult?[identities.Count];
        var mails = new (OutgoingMail Mail, byte[] Bytes)?[identities.Count];
        for (var i = 0; i < identities.Count; i++)
        {
            var to = MailboxAddress.ParseFirst(identities[i]);
            if (to is null || !IsPlainAddress(to.Address))
            {
                results[i] = RecipientResult.Failed(identities[i], $"'{identities[i]}' is not an email address.");
                continue;
            }

            var mail = Compose(message, new MailboxAddress("", to.Address));
            mails[i] = (mail, MailWriter.Write(mail));
        }

        if (mails.Any(m => m is not null))
        {
            await SendMailsAsync(message, identities, mails, results, cancellationToken).ConfigureAwait(false);
        }

        return new SendResult(results.Select((r, i) => r ?? RecipientResult.Failed(identities[i], "Not sent.", isTransient: true)).ToArray());
    }

    private async Task SendMailsAsync(
        OutgoingMessage message, IReadOnlyList<string> identities, (OutgoingMail Mail, byte[] Bytes)?[] mails, RecipientResult?[] results, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Options.CommandTimeout * 4, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        SmtpClient? client = null;
        try
        {
            client = await _smtpSessions!.AcquireAsync(linked.Token).ConfigureAwait(false);
            for (var i = 0; i < identities.Count; i++)
            {
                if (mails[i] is not { } mail)
                {
                    continue;
                }

                try
                {
                    var refused = await client.SendAsync(Options.FromAddress, [mail.Mail.To.Address], mail.Bytes, linked.Token).ConfigureAwait(false);
                    if (refused[0] is { } error)
                    {
                        throw error;
                    }

                    results[i] = RecipientResult.Sent(identities[i], mail.Mail.MessageId);
                    Log.MailSent(Logger, Name, message.Id, mail.Mail.MessageId);
                }
                catch (MailProtocolException ex)
                {
                    Log.SendFailed(Logger, Name, message.Id, ex.IsTransient, ex.Message);
                    _metrics?.SmtpFailed(ex);
                    results[i] = RecipientResult.Failed(identities[i], ex.Message, ex.IsTransient);
                }
            }

            // Kept open for the next send (or closed, with SmtpKeepAlive zero).
            var usable = client;
            client = null;
            await _smtpSessions.ReleaseAsync(usable).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The session broke: whoever is not answered yet failed transiently (or permanently, when the
            // server refused us for good, such as a wrong password).
            var transient = ex is not MailProtocolException { IsTransient: false };
            var error = ex is OperationCanceledException ? "The SMTP server did not answer in time." : ex.Message;
            Log.SendFailed(Logger, Name, message.Id, transient, error);
            var unsent = 0;
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i] is null)
                {
                    results[i] = RecipientResult.Failed(identities[i], error, transient);
                    unsent++;
                }
            }

            if (unsent > 0)
            {
                _metrics?.SmtpFailed(ex, unsent);
            }
        }
        finally
        {
            if (client is not null)
            {
                // The session broke or was cancelled half-way: never reuse it.
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_smtpSessions is not null)
        {
            await _smtpSessions.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private OutgoingMail Compose(OutgoingMessage message, MailboxAddress to)
    {
        var original = message.InResponseTo;
        string? inReplyTo = null;
        var references = new List<string>();
        var subject = message.Fields.TryGetValue(EmailFields.Subject, out var own) && own is string ownSubject ? ownSubject : null;
        if (original is not null && original.Connection.Backend == Name)
        {
            if (original.Fields.TryGetValue(EmailFields.References, out var refs) && refs is IEnumerable<string> thread)
            {
                references.AddRange(thread);
            }

            if (original.Fields.TryGetValue(EmailFields.MessageId, out var id) && id is string originalId)
            {
                inReplyTo = originalId;
                references.Add(originalId);
            }

            if (subject is null && original.Fields.TryGetValue(EmailFields.Subject, out var s) && s is string originalSubject)
            {
                subject = originalSubject.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? originalSubject : "Re: " + originalSubject;
            }
        }

        subject ??= Options.DefaultSubject ?? FirstLine(message.Text);
        return new OutgoingMail
        {
            From = _from!,
            To = to,
            Subject = subject,
            Text = message.Text,
            MessageId = MailWriter.NewMessageId(Options.FromAddress),
            Date = TimeProvider.GetLocalNow(),
            InReplyTo = inReplyTo,
            References = references,
            IsAutoReply = original is not null,
        };
    }

    /// <summary>One IMAP session; returns false when the router closed (the host is stopping).</summary>
    private async Task<bool> RunSessionAsync(Action connected, CancellationToken stoppingToken)
    {
        ImapClient imap;
        uint validity;
        using (var timeout = CommandTimeout(stoppingToken))
        {
            imap = await ImapClient.ConnectAsync(_imap!, Connector, Options.MaxMessageSize + 65536, Trace("IMAP"), timeout.Token).ConfigureAwait(false);
        }

        await using var session = imap.ConfigureAwait(false);
        using (var timeout = CommandTimeout(stoppingToken))
        {
            validity = await imap.SelectAsync(Options.Mailbox, timeout.Token).ConfigureAwait(false);
        }

        var idle = Options.UseIdle && imap.SupportsIdle;
        Log.ImapConnected(Logger, Name, Options.Mailbox, _imapDescription, idle ? "waiting with IDLE" : "polling");
        if (!idle)
        {
            Log.ImapPolling(Logger, Name, Options.PollInterval);
        }

        connected();
        Volatile.Write(ref _imapConnected, 1);
        try
        {
            while (true)
            {
                IReadOnlyList<uint> unseen;
                using (var timeout = CommandTimeout(stoppingToken))
                {
                    unseen = await imap.SearchUnseenAsync(timeout.Token).ConfigureAwait(false);
                }

                foreach (var uid in unseen)
                {
                    if (!await ProcessAsync(imap, validity, uid, stoppingToken).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                if (idle && await imap.IdleAsync(Options.IdleRenewal, Options.CommandTimeout, TimeProvider, stoppingToken).ConfigureAwait(false) == IdleResult.Refused)
                {
                    idle = false;
                    Log.ImapPolling(Logger, Name, Options.PollInterval);
                }
                else if (!idle && !imap.HasNewMail)
                {
                    await Task.Delay(Options.PollInterval, TimeProvider, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _imapConnected, 0);
            using var goodbye = new CancellationTokenSource(TimeSpan.FromSeconds(5), TimeProvider);
            try
            {
                await imap.LogoutAsync(goodbye.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The server did not answer LOGOUT in time; the connection is closed anyway.
            }
        }
    }

    /// <summary>Routes one mail and marks it seen; returns false when the router closed.</summary>
    private async Task<bool> ProcessAsync(ImapClient imap, uint validity, uint uid, CancellationToken stoppingToken)
    {
        var key = (validity, uid);
        if (_unmarkable.Contains(key))
        {
            // Handled already; the server refused to mark it, which was logged once.
            return true;
        }

        if (_fetchFailures.GetValueOrDefault(key) >= MaxFetchAttempts)
        {
            // Fetching it broke the link every time: set it aside instead of breaking the link forever.
            _fetchFailures.Remove(key);
            await SetAsideAsync(imap, uid, $"fetching it broke the connection {MaxFetchAttempts} times").ConfigureAwait(false);
            return true;
        }

        if (_routedNotSeen.Contains(key))
        {
            // Routed in an earlier session whose link broke before \Seen was stored: acknowledge, do not route twice.
            await MarkSeenAsync(imap, uid, flag: false).ConfigureAwait(false);
            _routedNotSeen.Remove(key);
            Log.PendingAcknowledged(Logger, Name, uid);
            return true;
        }

        FetchedMessage? fetched;
        try
        {
            using var timeout = CommandTimeout(stoppingToken);
            fetched = await imap.FetchAsync(uid, Options.MaxMessageSize, timeout.Token).ConfigureAwait(false);
        }
        catch (MailProtocolException ex)
        {
            // The server refused this one message (NO/BAD): try a few times, then set it aside.
            var attempt = _fetchFailures[key] = _fetchFailures.GetValueOrDefault(key) + 1;
            Log.MailFetchFailed(Logger, Name, uid, attempt, ex);
            if (attempt >= MaxFetchAttempts)
            {
                _fetchFailures.Remove(key);
                await SetAsideAsync(imap, uid, $"the server refused to return it {attempt} times").ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The link broke (or timed out, or the answer could not be parsed) while this message was coming:
            // count it against the message, so one that always breaks the link (too big for a slow line, a
            // server bug) is set aside after a few reconnections instead of blocking the mailbox for good.
            var attempt = _fetchFailures[key] = _fetchFailures.GetValueOrDefault(key) + 1;
            Log.MailFetchFailed(Logger, Name, uid, attempt, ex);
            throw;
        }

        _fetchFailures.Remove(key);
        if (fetched is null)
        {
            return true;
        }

        IncomingMail incoming;
        try
        {
            incoming = Prepare(fetched, uid);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reader is built never to throw; should it still, the mail is set aside, not retried forever.
            Log.MailUnreadable(Logger, Name, uid, ex);
            await SetAsideAsync(imap, uid, "it could not be read").ConfigureAwait(false);
            return true;
        }

        if (incoming.SetAsideReason is { } reason)
        {
            await SetAsideAsync(imap, uid, reason).ConfigureAwait(false);
            return true;
        }

        var (from, text, fields) = (incoming.From, incoming.Text, incoming.Fields);
        _routedNotSeen.Add(key);
        try
        {
            await ReceiveAsync(from, text, receivedAt: null, fields, stoppingToken).ConfigureAwait(false);
        }
        catch (RouterClosedException)
        {
            // The host is stopping: leave the mail unseen, it is read again at the next start.
            _routedNotSeen.Remove(key);
            return false;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _routedNotSeen.Remove(key);
            throw;
        }
        catch (Exception ex)
        {
            // Anything else, a stray cancellation included, sets the mail aside: retrying it would route it again.
            _routedNotSeen.Remove(key);
            Log.MailRoutingFailed(Logger, Name, uid, ex);
            await SetAsideAsync(imap, uid, "the router refused it").ConfigureAwait(false);
            return true;
        }

        Log.MailRouted(Logger, Name, uid, from);
        await MarkSeenAsync(imap, uid, flag: false).ConfigureAwait(false);
        _routedNotSeen.Remove(key);
        return true;
    }

    /// <summary>Reads a fetched mail into what the router gets, or the reason to set it aside.</summary>
    private IncomingMail Prepare(FetchedMessage fetched, uint uid)
    {
        var mail = MailReader.Read(fetched.Content);
        var problems = new List<string>(mail.Problems);
        if (fetched.IsTruncated)
        {
            problems.Add($"The mail is {fetched.Size} bytes; only its first {fetched.Content.Length} were read.");
        }

        var reason = mail.From is null ? "it has no sender address"
            : Options.IgnoreAutomaticMail && mail.IsAutomatic ? "it was sent by a machine (auto-reply, bounce or bulk mail)"
            : string.Equals(mail.From.Address, Options.FromAddress, StringComparison.OrdinalIgnoreCase) ? "it comes from the backend's own address"
            : null;
        if (reason is not null)
        {
            return new IncomingMail("", "", [], reason);
        }

        if (problems.Count > 0)
        {
            var summary = string.Join(" ", problems);
            Log.MailRepaired(Logger, Name, uid, summary);
        }

        var text = mail.Text.Length > 0 ? mail.Text : mail.Subject;
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [EmailFields.Subject] = mail.Subject,
            [EmailFields.FromName] = mail.From!.Name,
            [EmailFields.Uid] = (long)uid,
        };
        if (Options.StripQuotedText && QuotedReply.Strip(text) is var reply && reply.Length != text.Length)
        {
            fields[EmailFields.FullText] = text;
            text = reply;
        }

        if (mail.MessageId is not null)
        {
            fields[EmailFields.MessageId] = mail.MessageId;
        }

        if (mail.References.Count > 0)
        {
            fields[EmailFields.References] = mail.References.ToArray();
        }

        if (mail.InReplyTo is not null)
        {
            fields[EmailFields.InReplyTo] = mail.InReplyTo;
        }

        if (mail.Date is { } date)
        {
            fields[EmailFields.Date] = date;
        }

        if (problems.Count > 0)
        {
            fields[EmailFields.Problems] = problems.ToArray();
        }

        return new IncomingMail(mail.From.Address, text, fields, null);
    }

    private async Task SetAsideAsync(ImapClient imap, uint uid, string reason)
    {
        Log.MailSetAside(Logger, Name, uid, reason);
        await MarkSeenAsync(imap, uid, flag: true).ConfigureAwait(false);
    }

    private async Task MarkSeenAsync(ImapClient imap, uint uid, bool flag)
    {
        // Not cancelled when the host stops: the router already has the message, so the mark must be made.
        using var timeout = new CancellationTokenSource(Options.CommandTimeout, TimeProvider);
        try
        {
            await imap.MarkSeenAsync(uid, flag, timeout.Token).ConfigureAwait(false);
        }
        catch (MailProtocolException ex)
        {
            // The server answered NO or BAD (a read-only mailbox, a quota, a bug): asking again would get the
            // same answer, and reconnecting over it would block the mailbox. Remember the mail as handled for
            // as long as the process runs, and say so loudly.
            var key = (imap.Validity, uid);
            _unmarkable.Add(key);
            _routedNotSeen.Remove(key);
            Log.MailMarkFailed(Logger, Name, uid, ex.Message);
        }
    }

    private Deadline CommandTimeout(CancellationToken stoppingToken) => new(Options.CommandTimeout, TimeProvider, stoppingToken);

    private Action<bool, string>? Trace(string protocol) =>
        Options.ProtocolTrace && Logger.IsEnabled(LogLevel.Trace)
            ? (written, line) => Log.ProtocolTrace(Logger, Name, protocol, written ? "C:" : "S:", line)
            : null;

    private static TimeSpan Jitter(TimeSpan delay) =>
        TimeSpan.FromTicks((long)(delay.Ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));

    private static bool IsConnectionFailure(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or AuthenticationException or TimeoutException
            or OperationCanceledException or ObjectDisposedException;

    private static bool IsPlainAddress(string address) =>
        address.Length is > 2 and < 320 && address.Contains('@', StringComparison.Ordinal)
        && !address.AsSpan().ContainsAny(AddressStoppers);

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 60 ? line : line[..57].TrimEnd() + "...";
    }

    private static string HostName()
    {
        var name = Dns.GetHostName();
        return string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace) ? "localhost" : name;
    }

    /// <summary>A mail ready for the router, or the reason it is set aside.</summary>
    private sealed record IncomingMail(string From, string Text, Dictionary<string, object?> Fields, string? SetAsideReason);

    /// <summary>A token cancelled when the host stops or when a command took too long on the injected clock.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeSpan timeout, TimeProvider timeProvider, CancellationToken stoppingToken)
        {
            _timer = new CancellationTokenSource(timeout, timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
