namespace RapidSms;

/// <summary>
/// One way of answering messages (a keyword, a pattern), tried in turn by the handlers app in the
/// handle phase. The first handler that accepts a message ends the phase.
/// </summary>
public interface IMessageHandler
{
    /// <summary>A short help text for this handler, or <see langword="null"/>; the help handler lists it.</summary>
    string? HelpText { get; }

    /// <summary>Handles the message if it is for this handler.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns><see langword="true"/> when this handler took the message.</returns>
    ValueTask<bool> TryHandleAsync(IncomingMessage message, CancellationToken cancellationToken);
}
