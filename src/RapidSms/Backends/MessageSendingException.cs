namespace RapidSms;

/// <summary>
/// Sending failed for some or all recipients (RapidSMS's <c>MessageSendingError</c>):
/// <see cref="FailedIdentities"/> names who did not get the message.
/// </summary>
public class MessageSendingException : BackendException
{
    /// <summary>Creates an exception.</summary>
    public MessageSendingException()
    {
        FailedIdentities = [];
        Failures = [];
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MessageSendingException(string message)
        : base(message)
    {
        FailedIdentities = [];
        Failures = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MessageSendingException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FailedIdentities = [];
        Failures = [];
    }

    /// <summary>Creates an exception naming the identities that failed.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="failedIdentities">Who did not get the message.</param>
    public MessageSendingException(string message, IReadOnlyList<string> failedIdentities)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(failedIdentities);
        FailedIdentities = failedIdentities;
        Failures = [];
    }

    /// <summary>Creates an exception from a send result with failures.</summary>
    /// <param name="result">The result.</param>
    /// <param name="message">The message the result is for, if known.</param>
    public MessageSendingException(SendResult result, OutgoingMessage? message = null)
        : base(Describe(result, message))
    {
        ArgumentNullException.ThrowIfNull(result);
        Failures = result.Failures;
        FailedIdentities = Failures.Select(f => f.Identity).ToArray();
        Result = result;
    }

    /// <summary>The identities that did not get the message.</summary>
    public IReadOnlyList<string> FailedIdentities { get; }

    /// <summary>The failed recipients with their backend and reason, when known.</summary>
    public IReadOnlyList<RecipientResult> Failures { get; }

    /// <summary>The whole send result, when the exception was made from one.</summary>
    public SendResult? Result { get; }

    private static string Describe(SendResult result, OutgoingMessage? message)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failures = result.Failures;
        var parts = failures.Select(f => $"{(f.Backend is null ? "" : f.Backend + ":")}{f.Identity} ({f.Error})");
        return $"Sending message {message?.Id ?? "(unknown)"} failed for {failures.Count} of {result.Recipients.Count} recipient(s): {string.Join(", ", parts)}.";
    }
}
