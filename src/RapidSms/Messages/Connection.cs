namespace RapidSms;

/// <summary>
/// Who is on the other end of a conversation, and through which backend: a phone number on a
/// GSM modem, an address on the email backend, a nick on IRC.
/// </summary>
/// <remarks>
/// Connections compare by value: two connections are equal when their backend names match
/// (ordinal, case-sensitive, as registered) and their identities match (ordinal).
/// </remarks>
public sealed record Connection
{
    /// <summary>Creates a connection.</summary>
    /// <param name="backend">The name the backend was registered under, such as <c>"Zain"</c>.</param>
    /// <param name="identity">The address on that backend, such as <c>"+256700000001"</c>.</param>
    /// <exception cref="ArgumentException">Either value is null, empty or white space.</exception>
    public Connection(string backend, string identity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        Backend = backend;
        Identity = identity;
    }

    /// <summary>The name of the backend this connection belongs to.</summary>
    public string Backend { get; }

    /// <summary>The address of the other party on that backend.</summary>
    public string Identity { get; }

    /// <summary>Returns <c>backend:identity</c>.</summary>
    public override string ToString() => $"{Backend}:{Identity}";
}
