namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>A PDU could not be decoded: bad hex, a field that runs past the end, or a length that does not fit.</summary>
public sealed class PduFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public PduFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public PduFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PduFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
