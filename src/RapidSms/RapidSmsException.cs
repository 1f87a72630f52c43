namespace RapidSms;

/// <summary>The base of every exception RapidSms throws on purpose.</summary>
public class RapidSmsException : Exception
{
    /// <summary>Creates an exception.</summary>
    public RapidSmsException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RapidSmsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RapidSmsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
