using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RapidSms;

/// <summary>
/// The class every backend derives from: it carries messages between the outside world (a modem,
/// an SMSC, a gateway) and the router.
/// </summary>
/// <remarks>
/// <para>A backend overrides <see cref="SendAsync"/> to send, and calls <see cref="ReceiveAsync(string, string, CancellationToken)"/>
/// for every message that arrives. <see cref="ReceiveAsync(string, string, CancellationToken)"/> completes only when the router has
/// the message, so acknowledge the outside world (deliver_sm_resp, IMAP \Seen, AT+CMGD) after it returns.</para>
/// <para>Lifecycle: the host calls <see cref="Initialize"/>, then <c>Configure</c> (for
/// <see cref="BackendBase{TOptions}"/>), then <see cref="StartAsync"/>; then it runs
/// <see cref="ExecuteAsync"/> in the background, restarting it with back-off if it throws; on shutdown it
/// cancels <see cref="ExecuteAsync"/>, drains the router and calls <see cref="StopAsync"/> and
/// <see cref="DisposeAsync"/>.</para>
/// </remarks>
public abstract class BackendBase : IAsyncDisposable
{
    private string? _name;
    private IRouter? _router;
    private ILogger _logger = NullLogger.Instance;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The name this backend was registered under, such as <c>"Zain"</c>.</summary>
    /// <exception cref="InvalidOperationException">The backend has not been initialized.</exception>
    public string Name => _name ?? throw NotInitialized();

    /// <summary>Whether <see cref="Initialize"/> has been called.</summary>
    public bool IsInitialized => _name is not null;

    /// <summary>The router this backend hands messages to.</summary>
    protected IRouter Router => _router ?? throw NotInitialized();

    /// <summary>A logger named after the backend's type.</summary>
    protected ILogger Logger => _logger;

    /// <summary>The clock; use it instead of <see cref="DateTimeOffset"/>'s static members so tests can control time.</summary>
    protected TimeProvider TimeProvider => _timeProvider;

    /// <summary>
    /// Gives the backend its name and router. The host does this; call it yourself only to run a
    /// backend without the host (in a unit test, say).
    /// </summary>
    /// <param name="name">The registered name.</param>
    /// <param name="router">The router to hand messages to.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <exception cref="InvalidOperationException">The backend was already initialized.</exception>
    public void Initialize(string name, IRouter router, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(router);
        if (_name is not null)
        {
            throw new InvalidOperationException($"Backend '{_name}' is already initialized.");
        }

        _name = name;
        _router = router;
        _logger = loggerFactory?.CreateLogger(GetType()) ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Opens what must be open before messages flow (validate, bind, open a device). Keep it short: a
    /// link that may take a while or fail and recover belongs in <see cref="ExecuteAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host gives up starting.</param>
    public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The backend's long-running loop (poll a mailbox, read a socket). The host runs it after
    /// <see cref="StartAsync"/> and restarts it with back-off when it throws. The default does nothing.
    /// </summary>
    /// <param name="stoppingToken">Cancelled when the host stops.</param>
    protected virtual Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    /// <summary>Runs <see cref="ExecuteAsync"/> for the host's supervisor.</summary>
    internal Task RunLoopAsync(CancellationToken stoppingToken) => ExecuteAsync(stoppingToken);

    /// <summary>Closes the link cleanly (unbind, logout). Called after the router drained.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops waiting.</param>
    public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="identities"/> (all on this backend). Return one
    /// <see cref="RecipientResult"/> per identity; throw only when nothing could be sent (the router
    /// then marks every identity failed, transient when the exception is).
    /// </summary>
    /// <param name="message">The message; its <see cref="MessageBase.Text"/> is what to send.</param>
    /// <param name="identities">The recipients on this backend.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public abstract ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a message that arrived to the router; completes when the router has processed it.
    /// Acknowledge the outside world only after this returns.
    /// </summary>
    /// <param name="identity">The sender's address on this backend.</param>
    /// <param name="text">The text exactly as received.</param>
    /// <param name="cancellationToken">Stops waiting for room in the router.</param>
    /// <returns>The message as the apps saw it, with its responses.</returns>
    /// <exception cref="RouterClosedException">The router is shutting down: do not acknowledge.</exception>
    protected ValueTask<IncomingMessage> ReceiveAsync(string identity, string text, CancellationToken cancellationToken = default) =>
        ReceiveAsync(identity, text, receivedAt: null, fields: null, cancellationToken);

    /// <summary>
    /// Hands a message that arrived to the router, with when it arrived and fields the backend read
    /// (an SMSC message id, an email subject); completes when the router has processed it.
    /// </summary>
    /// <param name="identity">The sender's address on this backend.</param>
    /// <param name="text">The text exactly as received.</param>
    /// <param name="receivedAt">When it was received; <see langword="null"/> for now.</param>
    /// <param name="fields">Fields to attach to the message, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for room in the router.</param>
    /// <returns>The message as the apps saw it, with its responses.</returns>
    /// <exception cref="RouterClosedException">The router is shutting down: do not acknowledge.</exception>
    protected async ValueTask<IncomingMessage> ReceiveAsync(
        string identity,
        string text,
        DateTimeOffset? receivedAt,
        IEnumerable<KeyValuePair<string, object?>>? fields,
        CancellationToken cancellationToken = default)
    {
        var message = new IncomingMessage(new Connection(Name, identity), text, receivedAt ?? _timeProvider.GetUtcNow());
        if (fields is not null)
        {
            foreach (var field in fields)
            {
                message.Fields[field.Key] = field.Value;
            }
        }

        await Router.ReceiveIncomingAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Hands a delivery report to the router.</summary>
    /// <param name="report">The report; its <see cref="DeliveryReport.Backend"/> should be <see cref="Name"/>.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    protected ValueTask ReportDeliveryAsync(DeliveryReport report, CancellationToken cancellationToken = default) =>
        Router.ReceiveDeliveryReportAsync(report, cancellationToken);

    /// <summary>Releases what the backend holds. The default does nothing.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the backend's name and type.</summary>
    public override string ToString() => $"{_name ?? "(uninitialized)"} ({GetType().Name})";

    private InvalidOperationException NotInitialized() =>
        new($"{GetType().Name} has not been initialized: register it with AddBackend(name, b => b.Use<{GetType().Name}>()) or call Initialize first.");
}
