namespace RapidSms;

/// <summary>
/// A reply that tells the sender something went wrong (bad syntax, unknown keyword). It is sent
/// like any other <see cref="OutgoingMessage"/>; apps can tell it apart in their outgoing phase.
/// </summary>
public sealed class ErrorMessage : OutgoingMessage
{
    /// <summary>Creates an error reply.</summary>
    /// <param name="connections">The recipients.</param>
    /// <param name="text">The error text shown to the recipient.</param>
    /// <param name="inResponseTo">The incoming message this answers, if any.</param>
    public ErrorMessage(IReadOnlyList<Connection> connections, string text, IncomingMessage? inResponseTo = null)
        : base(connections, text, inResponseTo)
    {
    }
}
