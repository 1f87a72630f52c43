namespace RapidSms;

/// <summary>
/// A message that arrived through a backend. Apps read it in the incoming phases and answer
/// with <see cref="Respond(string)"/>; the router sends the responses once the phases finish.
/// </summary>
public sealed class IncomingMessage : MessageBase
{
    private List<OutgoingMessage>? _responses;

    /// <summary>Creates an incoming message from one connection.</summary>
    /// <param name="connection">The sender.</param>
    /// <param name="text">The text as received.</param>
    /// <param name="receivedAt">When the backend received it.</param>
    /// <param name="id">An id to keep, or <see langword="null"/> to assign a new one.</param>
    public IncomingMessage(Connection connection, string text, DateTimeOffset receivedAt, string? id = null)
        : this(One(connection), text, receivedAt, id)
    {
    }

    /// <summary>Creates an incoming message from one or more connections.</summary>
    /// <param name="connections">The senders; the first is <see cref="MessageBase.Connection"/>.</param>
    /// <param name="text">The text as received.</param>
    /// <param name="receivedAt">When the backend received it.</param>
    /// <param name="id">An id to keep, or <see langword="null"/> to assign a new one.</param>
    public IncomingMessage(IReadOnlyList<Connection> connections, string text, DateTimeOffset receivedAt, string? id = null)
        : base(text, connections, id)
    {
        ReceivedAt = receivedAt;
    }

    /// <summary>When the backend received the message.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>
    /// Whether an app handled the message. The router sets it when an app's handle phase returns
    /// <see langword="true"/>; an app may also set it itself. A handled message skips the default phase.
    /// </summary>
    public bool Handled { get; set; }

    /// <summary>The responses queued so far, in the order they were queued.</summary>
    public IReadOnlyList<OutgoingMessage> Responses => (IReadOnlyList<OutgoingMessage>?)_responses ?? [];

    /// <summary>Queues a reply to the sender, sent through the backend the message came in on.</summary>
    /// <param name="text">The reply text.</param>
    /// <returns>The queued reply.</returns>
    public OutgoingMessage Respond(string text) => Queue(new OutgoingMessage(Connections, text, this));

    /// <summary>Queues a reply to other connections (re-routing), on any backend.</summary>
    /// <param name="text">The reply text.</param>
    /// <param name="connections">Who receives it.</param>
    /// <returns>The queued reply.</returns>
    public OutgoingMessage Respond(string text, IReadOnlyList<Connection> connections) =>
        Queue(new OutgoingMessage(connections, text, this));

    /// <summary>Queues an error reply to the sender (an <see cref="ErrorMessage"/>).</summary>
    /// <param name="text">The error text shown to the sender.</param>
    /// <returns>The queued error reply.</returns>
    public ErrorMessage Error(string text) => Queue(new ErrorMessage(Connections, text, this));

    /// <summary>Returns the text with the sender, for diagnostics.</summary>
    public override string ToString() => $"{Connection} > {Text}";

    private T Queue<T>(T message)
        where T : OutgoingMessage
    {
        // Apps run one at a time per message, so no lock is needed here.
        (_responses ??= []).Add(message);
        return message;
    }
}
