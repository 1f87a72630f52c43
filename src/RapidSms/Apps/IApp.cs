namespace RapidSms;

/// <summary>
/// An app: business logic the router calls in phases. Most apps derive from <see cref="AppBase"/>
/// and override only the phases they need.
/// </summary>
/// <remarks>
/// <para>Incoming messages go through <c>filter → parse → handle → default → cleanup</c>, each phase
/// calling every app in registration order:</para>
/// <list type="bullet">
/// <item>filter: returning <see langword="true"/> drops the message; no later phase or app sees it
/// (responses already queued are still sent).</item>
/// <item>parse: annotate the message (<see cref="MessageBase.Fields"/>).</item>
/// <item>handle: returning <see langword="true"/> marks the message handled and stops the phase.</item>
/// <item>default: runs only when no app handled the message; returning <see langword="true"/> stops the phase.</item>
/// <item>cleanup: runs for every message that was not filtered.</item>
/// </list>
/// <para>Outgoing messages go through the outgoing phase in reverse registration order; returning
/// <see langword="false"/> cancels the send. An exception in an app is logged and counted and the
/// router carries on with the next app.</para>
/// </remarks>
public interface IApp
{
    /// <summary>A name for logs and metrics. Defaults to the type name in <see cref="AppBase"/>.</summary>
    string Name { get; }

    /// <summary>Filter phase: return <see langword="true"/> to drop the message.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask<bool> FilterAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Parse phase: annotate the message.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask ParseAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Handle phase: return <see langword="true"/> when this app handled the message.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Default phase, only for unhandled messages: return <see langword="true"/> to stop the phase.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask<bool> DefaultAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Cleanup phase: release what earlier phases started.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask CleanupAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Outgoing phase, in reverse app order: return <see langword="false"/> to cancel the send.</summary>
    /// <param name="message">The outgoing message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask<bool> OutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
