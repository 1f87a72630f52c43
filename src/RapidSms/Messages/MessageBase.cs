namespace RapidSms;

/// <summary>What incoming and outgoing messages share: an id, text, connections and fields.</summary>
public abstract class MessageBase
{
    private Dictionary<string, object?>? _fields;

    private protected MessageBase(string text, IReadOnlyList<Connection> connections, string? id)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(connections);
        if (connections.Count == 0)
        {
            throw new ArgumentException("A message needs at least one connection.", nameof(connections));
        }

        for (var i = 0; i < connections.Count; i++)
        {
            if (connections[i] is null)
            {
                throw new ArgumentException($"Connection {i} is null.", nameof(connections));
            }
        }

        Text = text;
        Connections = connections;
        Id = string.IsNullOrEmpty(id) ? MessageId.New() : id;
    }

    /// <summary>A unique id for this message, assigned when it is created.</summary>
    public string Id { get; }

    /// <summary>The message text, exactly as received or as it will be sent.</summary>
    public string Text { get; }

    /// <summary>Everyone this message is from or to. Never empty.</summary>
    public IReadOnlyList<Connection> Connections { get; }

    /// <summary>The first of <see cref="Connections"/>: for an incoming message, the sender.</summary>
    public Connection Connection => Connections[0];

    /// <summary>
    /// Free-form data attached by backends (an SMSC message id, an email subject) and by apps
    /// during the parse phase. Keys are compared ordinally.
    /// </summary>
    public IDictionary<string, object?> Fields => _fields ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Whether any field has been set, without allocating the dictionary.</summary>
    public bool HasFields => _fields is { Count: > 0 };

    internal static IReadOnlyList<Connection> One(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return [connection];
    }
}
