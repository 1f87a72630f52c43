namespace RapidSms.Backends.Email.Client;

/// <summary>A mail server answered a command with an error.</summary>
internal sealed class MailProtocolException : IOException
{
    /// <summary>Creates an exception.</summary>
    /// <param name="message">What the server said, and to what.</param>
    /// <param name="isTransient">Whether trying again later may work (SMTP 4xx, IMAP NO on a busy server).</param>
    /// <param name="code">The SMTP reply code, or 0 for IMAP.</param>
    /// <param name="innerException">What caused it, if anything.</param>
    public MailProtocolException(string message, bool isTransient, int code = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
        Code = code;
    }

    /// <summary>Whether trying again later may work.</summary>
    public bool IsTransient { get; }

    /// <summary>The SMTP reply code, or 0.</summary>
    public int Code { get; }
}
