namespace RapidSms;

/// <summary>
/// A backend is configured wrongly: an unknown engine, an unknown or missing option, a value of the
/// wrong kind. Thrown at start-up; the message names the backend, the key and what was expected.
/// </summary>
public sealed class BackendConfigurationException : BackendException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="backend">The backend's name.</param>
    /// <param name="key">The configuration key at fault, if one is.</param>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public BackendConfigurationException(string backend, string? key, string message, Exception? innerException = null)
        : base(backend, message, isTransient: false, innerException)
    {
        Key = key;
    }

    /// <summary>The configuration key at fault, if one is.</summary>
    public string? Key { get; }
}
