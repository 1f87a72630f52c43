namespace RapidSms;

/// <summary>What happened to one recipient of an outgoing message.</summary>
public sealed record RecipientResult
{
    private RecipientResult(string identity, bool succeeded, string? backendMessageId, string? error, bool isTransient)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        Identity = identity;
        Succeeded = succeeded;
        BackendMessageId = backendMessageId;
        Error = error;
        IsTransient = isTransient;
    }

    /// <summary>The recipient's identity on the backend.</summary>
    public string Identity { get; }

    /// <summary>
    /// The name of the backend that sent (or failed to send) it. Backends may leave it unset; the
    /// router fills it in before returning results.
    /// </summary>
    public string? Backend { get; init; }

    /// <summary>Whether the backend accepted the message for this recipient.</summary>
    public bool Succeeded { get; }

    /// <summary>The id the gateway gave the message, used to correlate delivery reports.</summary>
    public string? BackendMessageId { get; }

    /// <summary>Why sending failed; <see langword="null"/> when it succeeded.</summary>
    public string? Error { get; }

    /// <summary>Whether the failure may succeed if tried again (a timeout, a throttled link).</summary>
    public bool IsTransient { get; }

    /// <summary>A recipient the backend accepted.</summary>
    /// <param name="identity">The recipient.</param>
    /// <param name="backendMessageId">The id the gateway gave the message, if any.</param>
    public static RecipientResult Sent(string identity, string? backendMessageId = null) =>
        new(identity, succeeded: true, backendMessageId, error: null, isTransient: false);

    /// <summary>A recipient the backend could not send to.</summary>
    /// <param name="identity">The recipient.</param>
    /// <param name="error">Why, in words an operator understands.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    public static RecipientResult Failed(string identity, string error, bool isTransient = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new(identity, succeeded: false, backendMessageId: null, error, isTransient);
    }
}
