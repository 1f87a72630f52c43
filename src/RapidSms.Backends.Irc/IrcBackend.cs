using System.Diagnostics.Metrics;
using RapidSms.Backends.Irc.Diagnostics;
using RapidSms.Backends.Irc.Protocol;
using RapidSms.Backends.Irc.Session;

namespace RapidSms.Backends.Irc;

/// <summary>
/// The IRC backend (RapidSMS's irc): a bot that joins channels. A private message to the bot is an incoming
/// message from the sender's nick; in a channel, a line addressed to the bot (<c>bot: text</c> or
/// <c>bot, text</c>) is an incoming message too, and its replies go back to that channel addressed to the sender
/// (<c>sender: reply</c>).
/// </summary>
/// <remarks>
/// <para>Identities are nicks. Sending to a nick is a private message; sending to a channel name (<c>#rapidsms</c>)
/// says the text in that channel. An outgoing message whose <see cref="IrcFields.Channel"/> field is set, or
/// which answers a message said in a channel, goes to that channel addressed to the recipient.</para>
/// <para>Long texts are split into lines of at most 512 bytes on character boundaries; line breaks start new
/// lines. Lines go out through flood control (<see cref="IrcOptions.FloodBurst"/>,
/// <see cref="IrcOptions.FloodInterval"/>). NOTICEs are never answered, CTCP requests other than VERSION are
/// ignored. The link reconnects with back-off and joins its channels again after a drop.</para>
/// <para>IRC has no acknowledgements: a message is handed to the router as soon as it is read, and a reply counts
/// as sent once it is written to the server.</para>
/// </remarks>
[BackendEngine("irc", Aliases = ["rapidsms.backends.irc.IrcBackend"])]
public sealed class IrcBackend : BackendBase<IrcOptions>
{
    /// <summary>How many incoming messages may be with the router at once before the backend stops reading.</summary>
    private const int MaxMessagesInFlight = 256;

    private readonly IIrcConnectionFactory _connectionFactory;
    private readonly IMeterFactory? _meterFactory;
    private readonly SemaphoreSlim _inFlight = new(MaxMessagesInFlight, MaxMessagesInFlight);
    private readonly CancellationTokenSource _lifetime = new();
    private IReadOnlyList<IrcChannel> _channels = [];
    private IrcClient? _client;
    private Task? _run;

    /// <summary>Creates the backend; the host does this.</summary>
    /// <param name="connectionFactory">Opens the connection; <see langword="null"/> for TCP and TLS (<see cref="IrcConnectionFactory"/>).</param>
    /// <param name="meterFactory">Where the backend's instruments (<see cref="IrcTelemetry"/>) are created; none without it.</param>
    public IrcBackend(IIrcConnectionFactory? connectionFactory = null, IMeterFactory? meterFactory = null)
    {
        _connectionFactory = connectionFactory ?? IrcConnectionFactory.Instance;
        _meterFactory = meterFactory;
    }

    /// <summary>The bot's nick on the server now (it differs from <see cref="IrcOptions.Nick"/> when that was taken), or null while not connected.</summary>
    public string? Nick => _client?.Nick;

    /// <summary>Whether the bot is connected, registered and has joined (or failed to join) its channels.</summary>
    public bool IsConnected => _client?.IsReady ?? false;

    internal IrcClient Client => _client ?? throw new InvalidOperationException("The IRC backend has not started.");

    /// <summary>Waits until the bot is connected and in its channels.</summary>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default) => Client.WaitUntilReadyAsync(cancellationToken);

    /// <inheritdoc />
#pragma warning disable CA2208 // The option's name is the parameter name: configuration errors report it as the key.
    protected override void OnConfigure(IrcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channels = options.Channels.Select(IrcChannel.Parse).ToList();
        if ((options.SaslAccount is null) != (options.SaslPassword is null))
        {
            throw new ArgumentException("SASL needs both SaslAccount and SaslPassword; set both or neither.", nameof(options.SaslAccount));
        }

        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            throw new ArgumentException("MaxReconnectDelay must not be shorter than ReconnectDelay.", nameof(options.MaxReconnectDelay));
        }

        if (options.VersionReply is { } version && version.AsSpan().IndexOfAny("\r\n\0\x01") >= 0)
        {
            throw new ArgumentException("VersionReply cannot contain line breaks, NUL or \\x01.", nameof(options.VersionReply));
        }
    }
#pragma warning restore CA2208

    /// <summary>Starts connecting in the background; the link comes up (and comes back) on its own.</summary>
    /// <param name="cancellationToken">Not used: starting does not wait for the server.</param>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            throw new InvalidOperationException($"Backend '{Name}' is already started.");
        }

        IrcMetrics? metrics = null;
        if (_meterFactory is not null)
        {
            // The factory hands every caller in the host the same RapidSms meter and disposes it with the host, so it is not disposed here.
            metrics = new IrcMetrics(
                _meterFactory.Create(new MeterOptions(RapidSmsTelemetry.Name)), Name, () => _client?.IsRegistered ?? false, () => _client?.QueuedLines ?? 0);
        }

        _client = new IrcClient(Options, _channels, _connectionFactory, TimeProvider, Logger, Name, metrics);
        _run = Task.Run(() => _client.RunAsync(_lifetime.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Hands every message for the bot to the router, in arrival order per sender.</summary>
    /// <param name="stoppingToken">Cancelled when the host stops taking messages.</param>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var incoming = Client.Incoming;
        while (await incoming.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (incoming.TryRead(out var message))
            {
                // The router keeps each sender's messages in the order they are handed over, so several senders'
                // messages can be in the apps at once without reordering anyone's conversation.
                await _inFlight.WaitAsync(stoppingToken).ConfigureAwait(false);
                _ = DispatchAsync(message);
            }
        }
    }

    /// <summary>Sends the text to each identity: privately to a nick, to a channel name, or to the channel a conversation is in.</summary>
    /// <param name="message">The message.</param>
    /// <param name="identities">Nicks or channel names.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var client = Client;
        var results = new List<RecipientResult>(identities.Count);
        foreach (var identity in identities)
        {
            if (!IrcNames.IsValidTarget(identity))
            {
                results.Add(RecipientResult.Failed(identity, $"'{identity}' is not an IRC nick or channel: it is empty or holds a space, comma or line break."));
                continue;
            }

            var (target, prefix) = Route(message, identity);
            try
            {
                await client.SendTextAsync(target, message.Text, prefix, cancellationToken).ConfigureAwait(false);
                results.Add(RecipientResult.Sent(identity));
            }
            catch (IrcNotConnectedException ex)
            {
                Log.SendFailed(Logger, Name, target, ex.Message);
                results.Add(RecipientResult.Failed(identity, ex.Message, isTransient: true));
            }
            catch (ArgumentException ex)
            {
                Log.SendFailed(Logger, Name, target, ex.Message);
                results.Add(RecipientResult.Failed(identity, ex.Message));
            }
        }

        return new SendResult(results);
    }

    /// <summary>Says QUIT and closes the link.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops waiting.</param>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            await _client.QuitAsync("Shutting down", cancellationToken).ConfigureAwait(false);
        }

        await StopLoopAsync().ConfigureAwait(false);

        // Messages read after the router stopped taking them cannot be delivered again: say so for each.
        while (_client is not null && _client.Incoming.TryRead(out var late))
        {
            Log.IncomingNotAccepted(Logger, Name, late.Nick);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await StopLoopAsync().ConfigureAwait(false);
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
        _inFlight.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private static (string Target, string? Prefix) Route(OutgoingMessage message, string identity)
    {
        if (IrcNames.IsChannel(identity))
        {
            return (identity, null);
        }

        var channel = message.HasFields && message.Fields.TryGetValue(IrcFields.Channel, out var own) ? own as string : null;
        if (channel is null && message.InResponseTo is { } incoming && incoming.HasFields
            && incoming.Fields.TryGetValue(IrcFields.Channel, out var origin)
            && string.Equals(incoming.Connection.Identity, identity, StringComparison.Ordinal))
        {
            channel = origin as string;
        }

        return string.IsNullOrEmpty(channel) ? (identity, null) : (channel, identity + ": ");
    }

    private async Task StopLoopAsync()
    {
        if (!_lifetime.IsCancellationRequested)
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
        }

        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task DispatchAsync(IrcIncoming message)
    {
        try
        {
            var fields = new List<KeyValuePair<string, object?>>(2) { new(IrcFields.Hostmask, message.Hostmask) };
            if (message.Channel is not null)
            {
                fields.Add(new(IrcFields.Channel, message.Channel));
            }

            await ReceiveAsync(message.Nick, message.Text, receivedAt: null, fields, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RouterClosedException or OperationCanceledException)
        {
            // IRC cannot deliver it again: say so rather than lose it in silence.
            Log.IncomingNotAccepted(Logger, Name, message.Nick);
        }
#pragma warning disable CA1031 // One failing message must not take the receive loop down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.IncomingFailed(Logger, ex, Name, message.Nick);
        }
        finally
        {
            try
            {
                _inFlight.Release();
            }
            catch (ObjectDisposedException)
            {
                // Disposed while this message was with the router.
            }
        }
    }
}
