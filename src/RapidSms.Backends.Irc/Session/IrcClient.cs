using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Irc.Diagnostics;
using RapidSms.Backends.Irc.Protocol;

namespace RapidSms.Backends.Irc.Session;

/// <summary>
/// The IRC connection state machine: connects, registers (PASS, NICK, USER, optional SASL PLAIN), falls back to
/// another nick when the wanted one is taken, joins channels with their keys, answers PING, and reconnects with
/// back-off and jitter when the link drops, joining the channels again. Lines for the bot arrive on
/// <see cref="Incoming"/>; <see cref="SendTextAsync"/> sends text through flood control.
/// </summary>
internal sealed class IrcClient : IAsyncDisposable
{
    /// <summary>How many received messages may wait for the router before the client stops reading.</summary>
    private const int IncomingCapacity = 1024;

    /// <summary>The host part assumed for our own prefix until the server tells us (the longest a host name can be).</summary>
    private const int AssumedHostLength = 63;

    private readonly IrcOptions _options;
    private readonly IReadOnlyList<IrcChannel> _channels;
    private readonly IIrcConnectionFactory _factory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _backend;
    private readonly IrcMetrics? _metrics;
    private readonly TokenBucket _bucket;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly Channel<IrcIncoming> _incoming = Channel.CreateBounded<IrcIncoming>(new BoundedChannelOptions(IncomingCapacity)
    {
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _gate = new();
    private TaskCompletionSource<Link> _ready = NewReady();
    private Link? _current;
    private long _registrations;
    private int _queuedLines;
    private volatile bool _quitting;

    public IrcClient(IrcOptions options, IReadOnlyList<IrcChannel> channels, IIrcConnectionFactory factory, TimeProvider time, ILogger logger, string backend, IrcMetrics? metrics = null)
    {
        _options = options;
        _channels = channels;
        _factory = factory;
        _time = time;
        _logger = logger;
        _backend = backend;
        _metrics = metrics;
        _bucket = new TokenBucket(options.FloodBurst, options.FloodInterval, time);
    }

    /// <summary>Private messages and channel lines addressed to the bot, in the order they arrived.</summary>
    public ChannelReader<IrcIncoming> Incoming => _incoming.Reader;

    /// <summary>The nick the bot has on the server now, or null while it is not registered.</summary>
    public string? Nick => _current is { IsReady: true } link ? link.Nick : null;

    /// <summary>Whether the bot is registered and has joined (or failed to join) its channels.</summary>
    public bool IsReady => _current is { IsReady: true };

    /// <summary>Whether the bot is registered with the server now (its channels may still be joining).</summary>
    public bool IsRegistered => _current is { Registered: true };

    /// <summary>How many lines of outgoing messages are waiting for flood control or for the link.</summary>
    public int QueuedLines => Volatile.Read(ref _queuedLines);

    /// <summary>How many times the bot has registered with a server since it started.</summary>
    public long Registrations => Interlocked.Read(ref _registrations);

    /// <summary>How many lines flood control held back until a token was free.</summary>
    public long FloodDelayedLines => _bucket.Delayed;

    /// <summary>Waits until the bot is registered and in its channels.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        Task<Link> ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects and stays connected until <paramref name="cancellationToken"/> is cancelled, reconnecting with back-off.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            Exception? failure = null;
            var registered = false;
            try
            {
                registered = await RunLinkAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception) when (_quitting)
            {
                break;
            }
            catch (IrcLinkException ex)
            {
                failure = ex;
                registered = ex.Registered;
            }
#pragma warning disable CA1031 // Any failure of one link ends in a reconnect, never in a dead backend.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }

            if (_quitting)
            {
                break;
            }

            attempt = registered ? 1 : attempt + 1;
            var delay = Backoff(attempt);
            Log.ConnectionLost(_logger, failure, _backend, _options.Server, attempt, delay);
            _metrics?.Reconnecting();
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/> to <paramref name="target"/> as one or more PRIVMSG lines, each starting with
    /// <paramref name="linePrefix"/> (for <c>nick: </c> in a channel). Waits for the link (up to
    /// <see cref="IrcOptions.SendTimeout"/>) and for flood control. Lines of one text are never interleaved with
    /// another's.
    /// </summary>
    /// <exception cref="IrcNotConnectedException">The link was not up in time, or dropped while sending.</exception>
    /// <exception cref="ArgumentException">The text has nothing to send, or the target cannot be written.</exception>
    public async Task SendTextAsync(string target, string text, string? linePrefix, CancellationToken cancellationToken)
    {
        var link = await WaitForLinkAsync(cancellationToken).ConfigureAwait(false);
        var prefix = linePrefix ?? "";
        var budget = PayloadBudget(link, "PRIVMSG", target) - Encoding.UTF8.GetByteCount(prefix);
        var pieces = IrcTextSplitter.Split(text, Math.Max(budget, 16));
        if (pieces.Count == 0)
        {
            throw new ArgumentException("The message has no text to send: IRC cannot carry an empty line.", nameof(text));
        }

        var lines = pieces.Select(p => IrcFormatter.Format("PRIVMSG", target, prefix + p)).ToList();
        var waiting = lines.Count;
        var entered = false;
        Interlocked.Add(ref _queuedLines, waiting);
        try
        {
            await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            foreach (var line in lines)
            {
                var before = _bucket.Delayed;
                await _bucket.TakeAsync(cancellationToken).ConfigureAwait(false);
                if (_bucket.Delayed != before)
                {
                    Log.FloodDelayed(_logger, _backend, target);
                }

                link = await WriteThroughReconnectAsync(link, line, cancellationToken).ConfigureAwait(false);
                waiting--;
                Interlocked.Decrement(ref _queuedLines);
            }
        }
        finally
        {
            // Lines not written because the send failed or was cancelled are no longer waiting.
            Interlocked.Add(ref _queuedLines, -waiting);
            if (entered)
            {
                _sendGate.Release();
            }
        }
    }

    /// <summary>
    /// Writes a line; when the link broke, waits for the next one (within <see cref="IrcOptions.SendTimeout"/>) and
    /// writes it there, so a message that was half out when the link dropped goes on where it stopped instead of
    /// failing or starting over.
    /// </summary>
    private async Task<Link> WriteThroughReconnectAsync(Link link, byte[] line, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await link.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                return link;
            }
            catch (IrcNotConnectedException)
            {
                link.Abort();
                try
                {
                    await link.Closed.WaitAsync(_options.SendTimeout, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    throw new IrcNotConnectedException($"The link to {_options.Server} broke while sending and did not close in time.", ex);
                }

                link = await WaitForLinkAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Says goodbye with QUIT, if connected; does not wait for the server.</summary>
    public async Task QuitAsync(string reason, CancellationToken cancellationToken)
    {
        _quitting = true;
        if (_current is not { } link)
        {
            return;
        }

        try
        {
            await link.WriteAsync(IrcFormatter.Format("QUIT", reason), cancellationToken).ConfigureAwait(false);
            Log.Quit(_logger, _backend, _options.Server);
        }
        catch (IrcNotConnectedException)
        {
            // Already gone.
        }
    }

    public ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        _bucket.Dispose();
        _sendGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource<Link> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<Link> WaitForLinkAsync(CancellationToken cancellationToken)
    {
        Task<Link> ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        if (ready.IsCompletedSuccessfully)
        {
            return await ready.ConfigureAwait(false);
        }

        try
        {
            return await ready.WaitAsync(_options.SendTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new IrcNotConnectedException($"Not connected to {_options.Server} (waited {_options.SendTimeout}).", ex);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var initial = _options.ReconnectDelay;
        if (initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var ticks = Math.Min(initial.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)), _options.MaxReconnectDelay.Ticks);
#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)Math.Min(ticks * jitter, Math.Max(_options.MaxReconnectDelay.Ticks, initial.Ticks)));
    }

    /// <summary>The bytes left for the text of a PRIVMSG or NOTICE to <paramref name="target"/>, as the server relays it with our prefix.</summary>
    private static int PayloadBudget(Link link, string command, string target)
    {
        var self = link.SelfPrefix
            ?? $"{link.Nick}!~{link.UserName}@{new string('h', AssumedHostLength)}";
        var relayed = $":{self} {command} {target} :";
        return IrcFormatter.MaxLineBytes - 2 - Encoding.UTF8.GetByteCount(relayed);
    }

    /// <summary>One connection, from connect to close. Returns whether it got as far as registering.</summary>
    private async Task<bool> RunLinkAsync(CancellationToken cancellationToken)
    {
        var userName = _options.UserName ?? _options.Nick;
        Log.Connecting(_logger, _backend, _options.Server, _options.EffectivePort, _options.UseTls, _options.Nick);
        using var linkCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var connectCancellation = CancellationTokenSource.CreateLinkedTokenSource(linkCancellation.Token, connectTimeout.Token);

        Stream stream;
        try
        {
            stream = await _factory.ConnectAsync(_options, connectCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IrcLinkException($"Connecting to {_options.Server}:{_options.EffectivePort} took longer than {_options.ConnectTimeout}.", registered: false);
        }

        var link = new Link(stream, _options.Nick, userName, linkCancellation) { LastReceived = _time.GetTimestamp() };
        _current = link;
        _bucket.Reset();
        using var keepalive = new CancellationTokenSource();
        Task? keepaliveLoop = null;
        try
        {
            await RegisterAsync(link, linkCancellation.Token).ConfigureAwait(false);
            keepaliveLoop = KeepaliveAsync(link, linkCancellation, keepalive.Token);
            await ReadLoopAsync(link, connectTimeout, linkCancellation.Token).ConfigureAwait(false);
            return link.Registered;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var why = link.Registered ? "it stopped answering or broke" : $"registration took longer than {_options.ConnectTimeout}";
            throw new IrcLinkException($"Dropped the link to {_options.Server}: {why}.", link.Registered);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or IrcNotConnectedException)
        {
            throw new IrcLinkException($"The link to {_options.Server} broke: {ex.Message}", link.Registered, ex);
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
                if (_ready.Task.IsCompleted)
                {
                    _ready = NewReady();
                }
            }

            await keepalive.CancelAsync().ConfigureAwait(false);
            if (keepaliveLoop is not null)
            {
                await keepaliveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RegisterAsync(Link link, CancellationToken cancellationToken)
    {
        if (_options.SaslAccount is not null)
        {
            await link.WriteAsync(IrcFormatter.Format("CAP", "LS", "302"), cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(_options.Password))
        {
            await link.WriteAsync(IrcFormatter.Format("PASS", _options.Password), cancellationToken).ConfigureAwait(false);
        }

        await link.WriteAsync(IrcFormatter.Format("NICK", link.Nick), cancellationToken).ConfigureAwait(false);
        await link.WriteAsync(IrcFormatter.Format("USER", link.UserName, "0", "*", _options.RealName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a PING after a quiet <see cref="IrcOptions.PingInterval"/>, and drops the link after a second one.</summary>
    private async Task KeepaliveAsync(Link link, CancellationTokenSource linkCancellation, CancellationToken cancellationToken)
    {
        var interval = _options.PingInterval;
        var pinged = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            if (link.Registered && !link.ShortNicks && !link.IsSelf(_options.Nick))
            {
                // Registered under a fallback nick: ask for ours again. A refusal (433) after registration is ignored.
                try
                {
                    await link.WriteAsync(IrcFormatter.Format("NICK", _options.Nick), cancellationToken).ConfigureAwait(false);
                }
                catch (IrcNotConnectedException)
                {
                    return;
                }
            }

            var idle = _time.GetElapsedTime(link.LastReceived);
            if (idle < interval)
            {
                pinged = false;
                continue;
            }

            if (pinged)
            {
                Log.PingTimeout(_logger, _backend, _options.Server, idle);
                await linkCancellation.CancelAsync().ConfigureAwait(false);
                return;
            }

            pinged = true;
            try
            {
                await link.WriteAsync(IrcFormatter.Format("PING", "rapidsms"), cancellationToken).ConfigureAwait(false);
            }
            catch (IrcNotConnectedException)
            {
                return;
            }
        }
    }

    private async Task ReadLoopAsync(Link link, CancellationTokenSource connectTimeout, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(link.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        var skipping = false;
        using var registration = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
        try
        {
            while (true)
            {
                // Registration must finish within the connect timeout; after that only the keepalive ends a quiet link.
                var token = link.Registered ? cancellationToken : registration.Token;
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                link.LastReceived = _time.GetTimestamp();
                while (true)
                {
                    var outcome = IrcLineReader.TryReadLine(ref buffer, out var line, ref skipping);
                    if (outcome == IrcLineReader.Result.Incomplete)
                    {
                        break;
                    }

                    if (outcome == IrcLineReader.Result.Oversized)
                    {
                        Log.OversizedLine(_logger, _backend, IrcLineReader.MaxLineBytes);
                        continue;
                    }

                    if (line.Length == 0)
                    {
                        continue;
                    }

                    IrcMessage message;
                    try
                    {
                        message = IrcParser.Parse(line);
                    }
                    catch (FormatException ex)
                    {
                        var text = IrcParser.Decode(line.IsSingleSegment ? line.FirstSpan : line.ToArray());
                        Log.MalformedLine(_logger, _backend, ex.Message, text.Length > 120 ? text[..120] + "…" : text);
                        continue;
                    }

                    if (!await HandleAsync(link, message, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (link.Registered)
                    {
                        throw new IrcLinkException($"{_options.Server} closed the link.", registered: true);
                    }

                    throw new IrcLinkException($"{_options.Server} closed the link before registration finished.", registered: false);
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Acts on one message. Returns false when the server ended the link (ERROR).</summary>
    private async ValueTask<bool> HandleAsync(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        switch (message.Command)
        {
            case "PING":
                await link.WriteAsync(IrcFormatter.Format("PONG", message.Parameters.Count > 0 ? message[^1] : _options.Server), cancellationToken).ConfigureAwait(false);
                return true;
            case "ERROR":
                Log.ServerError(_logger, _backend, message[0]);
                throw new IrcLinkException($"{_options.Server} closed the link: {message[0]}", link.Registered);
            case "001":
                OnWelcome(link, message);
                await JoinChannelsAsync(link, cancellationToken).ConfigureAwait(false);
                return true;
            case "005":
                OnSupport(link, message);
                return true;
            case "432" or "433" or "436" or "437" when !link.Registered:
                await NextNickAsync(link, message, cancellationToken).ConfigureAwait(false);
                return true;
            case "464":
                Log.PasswordRejected(_logger, _backend);
                return true;
            case "403" or "405" or "471" or "473" or "474" or "475" or "476" or "477":
                OnJoinFailed(link, message);
                return true;
            case "JOIN":
                OnJoin(link, message);
                return true;
            case "KICK":
                OnKick(link, message, cancellationToken);
                return true;
            case "NICK":
                if (message.SourceNick is { } old && link.IsSelf(old) && message.Parameters.Count > 0)
                {
                    link.Nick = message[0];
                    link.SelfPrefix = null;
                    if (link.IsSelf(_options.Nick))
                    {
                        Log.NickRegained(_logger, _backend, link.Nick);
                    }
                }

                return true;
            case "CAP":
                await OnCapAsync(link, message, cancellationToken).ConfigureAwait(false);
                return true;
            case "AUTHENTICATE":
                await OnAuthenticateAsync(link, message, cancellationToken).ConfigureAwait(false);
                return true;
            case "900" or "903":
                if (message.Command == "903")
                {
                    Log.SaslSucceeded(_logger, _backend, _options.SaslAccount ?? "");
                    await link.WriteAsync(IrcFormatter.Format("CAP", "END"), cancellationToken).ConfigureAwait(false);
                }

                return true;
            case "902" or "904" or "905" or "906" or "908":
                Log.SaslFailed(_logger, _backend, $"{message.Command} {message[^1]}");
                throw new IrcLinkException($"SASL login failed: {message[^1]}", registered: false);
            case "421" when message[1] == "CAP" && _options.SaslAccount is not null:
                Log.SaslFailed(_logger, _backend, "the server does not support capability negotiation (CAP)");
                throw new IrcLinkException("The server does not support SASL.", registered: false);
            case "NOTICE":
                // RFC 1459: a NOTICE must never be answered automatically, so it never reaches the apps.
                if (link.Registered && message.SourceNick is { } noticeFrom && message.Prefix!.Contains('!', StringComparison.Ordinal))
                {
                    Log.NoticeIgnored(_logger, _backend, noticeFrom);
                }

                return true;
            case "PRIVMSG":
                await OnPrivmsgAsync(link, message, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return true;
        }
    }

    private void OnWelcome(Link link, IrcMessage message)
    {
        link.Nick = message[0];
        link.Registered = true;
        Interlocked.Increment(ref _registrations);

        // Most servers end the welcome with our full prefix: "Welcome to the Internet Relay Network nick!user@host".
        var words = message[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && words[^1].Contains('!', StringComparison.Ordinal) && words[^1].Contains('@', StringComparison.Ordinal)
            && IrcNames.NickEquals(words[^1][..words[^1].IndexOf('!', StringComparison.Ordinal)], link.Nick, link.Rfc1459))
        {
            link.SelfPrefix = words[^1];
        }

        Log.Registered(_logger, _backend, message.Prefix ?? _options.Server, link.Nick);
    }

    private static void OnSupport(Link link, IrcMessage message)
    {
        for (var i = 1; i < message.Parameters.Count - 1; i++)
        {
            var token = message[i];
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? token : token[..equals];
            var value = equals < 0 ? "" : token[(equals + 1)..];
            switch (key)
            {
                case "CHANTYPES":
                    link.ChannelTypes = value;
                    break;
                case "CASEMAPPING":
                    link.Rfc1459 = !string.Equals(value, "ascii", StringComparison.OrdinalIgnoreCase);
                    break;
            }
        }
    }

    private async Task JoinChannelsAsync(Link link, CancellationToken cancellationToken)
    {
        if (_channels.Count == 0)
        {
            MarkReady(link);
            return;
        }

        foreach (var channel in _channels)
        {
            link.PendingJoins.Add(channel.Name);
        }

        // Keyed channels first, as JOIN pairs keys with channels in order; several per line while they fit.
        var ordered = _channels.OrderBy(c => c.Key is null ? 1 : 0).ToList();
        var names = new List<string>();
        var keys = new List<string>();
        foreach (var channel in ordered)
        {
            names.Add(channel.Name);
            if (channel.Key is not null)
            {
                keys.Add(channel.Key);
            }

            if (Encoding.UTF8.GetByteCount(string.Join(',', names) + string.Join(',', keys)) > 400)
            {
                names.RemoveAt(names.Count - 1);
                if (channel.Key is not null)
                {
                    keys.RemoveAt(keys.Count - 1);
                }

                await WriteJoinAsync(link, names, keys, cancellationToken).ConfigureAwait(false);
                names = [channel.Name];
                keys = channel.Key is null ? [] : [channel.Key];
            }
        }

        await WriteJoinAsync(link, names, keys, cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteJoinAsync(Link link, List<string> names, List<string> keys, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return Task.CompletedTask;
        }

        var line = keys.Count == 0
            ? IrcFormatter.Format("JOIN", string.Join(',', names))
            : IrcFormatter.Format("JOIN", string.Join(',', names), string.Join(',', keys));
        return link.WriteAsync(line, cancellationToken);
    }

    private void OnJoin(Link link, IrcMessage message)
    {
        if (message.SourceNick is not { } nick || !link.IsSelf(nick) || message.Parameters.Count == 0)
        {
            return;
        }

        link.SelfPrefix = message.Prefix;
        var channel = message[0];
        Log.Joined(_logger, _backend, channel);
        JoinAnswered(link, channel);
    }

    /// <summary>Kicked from a configured channel: join it again after <see cref="IrcOptions.ReconnectDelay"/>.</summary>
    private void OnKick(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        if (message.Parameters.Count < 2 || !link.IsSelf(message[1]))
        {
            return;
        }

        var channel = _channels.FirstOrDefault(c => string.Equals(c.Name, message[0], StringComparison.OrdinalIgnoreCase));
        Log.Kicked(_logger, _backend, message[0], message.SourceNick ?? "", message[^1]);
        if (channel is null)
        {
            return;
        }

        _ = Task.Run(
            async () =>
            {
                try
                {
                    await Task.Delay(_options.ReconnectDelay, _time, cancellationToken).ConfigureAwait(false);
                    await WriteJoinAsync(link, [channel.Name], channel.Key is null ? [] : [channel.Key], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IrcNotConnectedException)
                {
                    // The link went away; the next one joins every channel anyway.
                }
            },
            CancellationToken.None);
    }

    private void OnJoinFailed(Link link, IrcMessage message)
    {
        var channel = message[1];
        if (!link.PendingJoins.Contains(channel))
        {
            return;
        }

        Log.JoinFailed(_logger, _backend, channel, $"{message.Command} {message[^1]}");
        JoinAnswered(link, channel);
    }

    private void JoinAnswered(Link link, string channel)
    {
        link.PendingJoins.RemoveWhere(c => string.Equals(c, channel, StringComparison.OrdinalIgnoreCase));
        if (link.PendingJoins.Count == 0)
        {
            MarkReady(link);
        }
    }

    private void MarkReady(Link link)
    {
        if (link.IsReady)
        {
            return;
        }

        link.IsReady = true;
        lock (_gate)
        {
            if (ReferenceEquals(_current, link))
            {
                _ready.TrySetResult(link);
            }
        }
    }

    private async Task NextNickAsync(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        var rejected = message[1];
        link.NickAttempts++;
        if (message.Command == "432")
        {
            link.ShortNicks = true; // erroneous: most likely too long for this server
        }

        var next = FallbackNick(_options.Nick, link.NickAttempts, link.ShortNicks);
        Log.NickUnavailable(_logger, _backend, rejected.Length > 0 ? rejected : link.Nick, $"{message.Command} {message[^1]}", next);
        link.Nick = next;
        await link.WriteAsync(IrcFormatter.Format("NICK", next), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The nick to try after <paramref name="attempt"/> refusals: <c>nick_</c>, <c>nick__</c>, then the nick with
    /// random digits. With <paramref name="short"/> (the server refused a nick as erroneous, typically too long),
    /// candidates are kept within the 9 characters RFC 2812 guarantees.
    /// </summary>
    internal static string FallbackNick(string nick, int attempt, bool @short)
    {
        const int RfcNickLength = 9;
        string Fit(string stem, string suffix) =>
            (@short && stem.Length + suffix.Length > RfcNickLength ? stem[..Math.Max(1, RfcNickLength - suffix.Length)] : stem) + suffix;

        return attempt switch
        {
            <= 0 => @short && nick.Length > RfcNickLength ? nick[..RfcNickLength] : nick,
            1 => Fit(nick, "_"),
            2 => Fit(nick, "__"),
#pragma warning disable CA5394 // Not security: a suffix to find a free nick.
            _ => Fit(nick, Random.Shared.Next(100, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)),
#pragma warning restore CA5394
        };
    }

    private async Task OnCapAsync(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        // CAP <nick> LS [*] :caps   |   CAP <nick> ACK :caps   |   CAP <nick> NAK :caps
        var subcommand = message[1].ToUpperInvariant();
        if (_options.SaslAccount is null)
        {
            return;
        }

        switch (subcommand)
        {
            case "LS":
                foreach (var capability in message[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = capability.IndexOf('=', StringComparison.Ordinal);
                    var name = equals < 0 ? capability : capability[..equals];
                    if (string.Equals(name, "sasl", StringComparison.OrdinalIgnoreCase))
                    {
                        link.SaslMechanisms = equals < 0 ? "" : capability[(equals + 1)..];
                    }
                }

                if (message.Parameters.Count >= 4 && message[2] == "*")
                {
                    return; // more LS lines follow
                }

                if (!SaslPlain.Offers(link.SaslMechanisms))
                {
                    Log.SaslFailed(_logger, _backend, "the server does not offer SASL PLAIN");
                    throw new IrcLinkException("The server does not offer SASL PLAIN.", registered: false);
                }

                await link.WriteAsync(IrcFormatter.Format("CAP", "REQ", "sasl"), cancellationToken).ConfigureAwait(false);
                break;
            case "ACK" when message[^1].Split(' ').Contains("sasl", StringComparer.OrdinalIgnoreCase):
                await link.WriteAsync(IrcFormatter.Format("AUTHENTICATE", "PLAIN"), cancellationToken).ConfigureAwait(false);
                break;
            case "NAK":
                Log.SaslFailed(_logger, _backend, "the server refused the sasl capability");
                throw new IrcLinkException("The server refused the sasl capability.", registered: false);
        }
    }

    private async Task OnAuthenticateAsync(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        if (message[0] != "+" || _options.SaslAccount is null)
        {
            return;
        }

        foreach (var payload in SaslPlain.Payloads(_options.SaslAccount, _options.SaslPassword ?? ""))
        {
            await link.WriteAsync(IrcFormatter.Format("AUTHENTICATE", payload), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnPrivmsgAsync(Link link, IrcMessage message, CancellationToken cancellationToken)
    {
        if (message.Parameters.Count < 2 || message.SourceNick is not { Length: > 0 } sender || link.IsSelf(sender))
        {
            return;
        }

        var target = message[0];
        var text = message[1];
        if (text.Length > 0 && text[0] == '\x01')
        {
            await OnCtcpAsync(link, sender, text, cancellationToken).ConfigureAwait(false);
            return;
        }

        string? channel = null;
        if (IrcNames.IsChannel(target, link.ChannelTypes))
        {
            // In a channel only "bot: text" (or "bot, text") is for us; the rest is other people talking.
            if (!TryStripAddress(text, link.Nick, link.Rfc1459, out var body))
            {
                return;
            }

            channel = target;
            text = body;
        }

        await _incoming.Writer.WriteAsync(new IrcIncoming(sender, message.Prefix!, channel, text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>nick: text</c> or <c>nick, text</c> addressed to <paramref name="nick"/>.</summary>
    internal static bool TryStripAddress(string text, string nick, bool rfc1459, out string body)
    {
        body = "";
        if (text.Length <= nick.Length || (text[nick.Length] != ':' && text[nick.Length] != ',')
            || !IrcNames.NickEquals(text[..nick.Length], nick, rfc1459))
        {
            return false;
        }

        body = text[(nick.Length + 1)..].TrimStart(' ');
        return body.Length > 0;
    }

    private async Task OnCtcpAsync(Link link, string sender, string text, CancellationToken cancellationToken)
    {
        var inner = text.Trim('\x01');
        var space = inner.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? inner : inner[..space]).ToUpperInvariant();
        if (command != "VERSION" || string.IsNullOrEmpty(_options.VersionReply))
        {
            Log.CtcpIgnored(_logger, _backend, command, sender);
            return;
        }

        // A CTCP reply is a NOTICE, so it can never start a loop; it still goes through flood control, off the read loop.
        var reply = IrcFormatter.Format("NOTICE", sender, $"\x01VERSION {_options.VersionReply}\x01");
        Log.CtcpAnswered(_logger, _backend, command, sender);
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await _bucket.TakeAsync(cancellationToken).ConfigureAwait(false);
                        await link.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _sendGate.Release();
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IrcNotConnectedException or ObjectDisposedException)
                {
                    Log.SendFailed(_logger, _backend, sender, ex.Message);
                }
            },
            CancellationToken.None);
    }

    /// <summary>The state of one connection.</summary>
    private sealed class Link(Stream stream, string nick, string userName, CancellationTokenSource cancellation) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _isReady;
        private volatile bool _disposed;

        public Stream Stream { get; } = stream;

        public string UserName { get; } = userName;

        public string Nick { get; set; } = nick;

        public string? SelfPrefix { get; set; }

        public bool Registered { get; set; }

        public bool IsReady
        {
            get => _isReady;
            set => _isReady = value;
        }

        public int NickAttempts { get; set; }

        public bool ShortNicks { get; set; }

        public string ChannelTypes { get; set; } = IrcNames.DefaultChannelTypes;

        public bool Rfc1459 { get; set; } = true;

        public string? SaslMechanisms { get; set; }

        public HashSet<string> PendingJoins { get; } = new(StringComparer.OrdinalIgnoreCase);

        public long LastReceived { get; set; }

        /// <summary>Completes once the link is closed and no longer the client's current link.</summary>
        public Task Closed => _closed.Task;

        public bool IsSelf(string nick) => IrcNames.NickEquals(nick, Nick, Rfc1459);

        /// <summary>Ends the link's read loop, after a write found it broken.</summary>
        public void Abort()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The link is already closed.
            }
        }

        public async Task WriteAsync(byte[] line, CancellationToken cancellationToken)
        {
            if (_disposed)
            {
                throw new IrcNotConnectedException("The link is closed.");
            }

            try
            {
                await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException ex)
            {
                throw new IrcNotConnectedException("The link is closed.", ex);
            }

            try
            {
                await Stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                throw new IrcNotConnectedException($"The link broke while sending: {ex.Message}", ex);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _disposed = true;
            try
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _closed.TrySetResult();
            }
        }
    }
}
