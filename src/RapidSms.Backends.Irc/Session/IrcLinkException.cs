namespace RapidSms.Backends.Irc.Session;

/// <summary>One connection to the server ended; the client reconnects after a back-off.</summary>
internal sealed class IrcLinkException : Exception
{
    public IrcLinkException(string message, bool registered, Exception? innerException = null)
        : base(message, innerException)
    {
        Registered = registered;
    }

    /// <summary>Whether the connection had registered before it ended (the back-off then starts over).</summary>
    public bool Registered { get; }
}
