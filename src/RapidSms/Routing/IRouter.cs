using System.Diagnostics.CodeAnalysis;

namespace RapidSms;

/// <summary>
/// The router: takes incoming messages from backends through the apps' phases, and sends
/// outgoing messages through the backends their connections belong to.
/// </summary>
public interface IRouter
{
    /// <summary>The registered apps, in the order the incoming phases call them.</summary>
    IReadOnlyList<IApp> Apps { get; }

    /// <summary>The registered backends.</summary>
    IReadOnlyCollection<BackendBase> Backends { get; }

    /// <summary>Finds a backend by its registered name.</summary>
    /// <param name="name">The backend's name.</param>
    /// <param name="backend">The backend, when found.</param>
    /// <returns>Whether a backend with that name is registered.</returns>
    bool TryGetBackend(string name, [NotNullWhen(true)] out BackendBase? backend);

    /// <summary>
    /// Runs an incoming message through the incoming phases and sends its responses. Completes when
    /// the router is done with the message, so a backend acknowledges the outside world only then.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting for room in the router. Once accepted, a message is processed to the end.</param>
    /// <exception cref="RouterClosedException">The router is shutting down and takes no new messages.</exception>
    ValueTask ReceiveIncomingAsync(IncomingMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs an outgoing message through the outgoing phases, groups its connections per backend and
    /// sends it through each backend, retrying transient failures.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Per-recipient results; <see cref="SendResult.EnsureSuccess"/> throws on any failure.</returns>
    /// <exception cref="BackendNotFoundException">A connection names a backend that is not registered; nothing was sent.</exception>
    ValueTask<SendResult> SendOutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>Hands a delivery report to the apps and observers that take them.</summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    ValueTask ReceiveDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken = default);
}
