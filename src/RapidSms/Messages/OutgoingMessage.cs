namespace RapidSms;

/// <summary>
/// A message to send to one or many connections, possibly on several backends. The router
/// groups the connections per backend and calls each backend once.
/// </summary>
public class OutgoingMessage : MessageBase
{
    /// <summary>Creates a message to one connection.</summary>
    /// <param name="connection">The recipient.</param>
    /// <param name="text">The text to send.</param>
    public OutgoingMessage(Connection connection, string text)
        : this(One(connection), text, inResponseTo: null)
    {
    }

    /// <summary>Creates a message to several connections.</summary>
    /// <param name="connections">The recipients, on one or more backends.</param>
    /// <param name="text">The text to send.</param>
    public OutgoingMessage(IReadOnlyList<Connection> connections, string text)
        : this(connections, text, inResponseTo: null)
    {
    }

    /// <summary>Creates a message, optionally as a reply.</summary>
    /// <param name="connections">The recipients, on one or more backends.</param>
    /// <param name="text">The text to send.</param>
    /// <param name="inResponseTo">The incoming message this answers, if any.</param>
    /// <param name="id">An id to keep, or <see langword="null"/> to assign a new one.</param>
    public OutgoingMessage(IReadOnlyList<Connection> connections, string text, IncomingMessage? inResponseTo, string? id = null)
        : base(text, connections, id)
    {
        InResponseTo = inResponseTo;
    }

    /// <summary>The incoming message this one answers, or <see langword="null"/> for a message the app started.</summary>
    public IncomingMessage? InResponseTo { get; }

    /// <summary>Returns the text with the first recipient, for diagnostics.</summary>
    public override string ToString() =>
        Connections.Count == 1 ? $"{Connection} < {Text}" : $"{Connection} (+{Connections.Count - 1}) < {Text}";
}
