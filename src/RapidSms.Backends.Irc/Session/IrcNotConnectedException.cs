namespace RapidSms.Backends.Irc.Session;

/// <summary>A line could not be sent because the link is down or broke while sending: a transient failure.</summary>
internal sealed class IrcNotConnectedException : IOException
{
    public IrcNotConnectedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
