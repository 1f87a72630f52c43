using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>An SMPP failure: an error status from the SMSC, a lost or timed-out link, or a protocol violation.</summary>
public sealed class SmppException : BackendException
{
    /// <summary>Creates an exception.</summary>
    public SmppException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SmppException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SmppException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a named backend.</summary>
    /// <param name="backend">The backend's name, when known.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="status">The SMSC's status, when it answered with one.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SmppException(string? backend, string message, SmppCommandStatus? status, bool isTransient, Exception? innerException = null)
        : base(backend, message, isTransient, innerException)
    {
        Status = status;
    }

    /// <summary>The command_status the SMSC answered with, when the failure is an error response.</summary>
    public SmppCommandStatus? Status { get; }
}
