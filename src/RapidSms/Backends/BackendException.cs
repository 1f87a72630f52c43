namespace RapidSms;

/// <summary>A failure in a named backend: a link that broke, a gateway that refused.</summary>
public class BackendException : RapidSmsException
{
    /// <summary>Creates an exception.</summary>
    public BackendException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public BackendException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public BackendException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a named backend.</summary>
    /// <param name="backend">The backend's registered name.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public BackendException(string? backend, string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Backend = backend;
        IsTransient = isTransient;
    }

    /// <summary>The name of the backend, when known.</summary>
    public string? Backend { get; }

    /// <summary>Whether trying again later may succeed.</summary>
    public bool IsTransient { get; }
}
