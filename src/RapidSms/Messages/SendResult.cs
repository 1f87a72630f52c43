namespace RapidSms;

/// <summary>
/// The outcome of sending one outgoing message: one <see cref="RecipientResult"/> per recipient.
/// A partial failure names the identities that failed.
/// </summary>
public sealed class SendResult
{
    private static readonly SendResult CancelledResult = new([], cancelled: true);

    /// <summary>Creates a result from per-recipient results.</summary>
    /// <param name="recipients">One result per recipient.</param>
    public SendResult(IReadOnlyList<RecipientResult> recipients)
        : this(recipients, cancelled: false)
    {
    }

    private SendResult(IReadOnlyList<RecipientResult> recipients, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        Recipients = recipients;
        IsCancelled = cancelled;
    }

    /// <summary>A result for a message an app's outgoing phase cancelled: nothing was sent.</summary>
    public static SendResult Cancelled => CancelledResult;

    /// <summary>Per-recipient results, in the order of the message's connections per backend.</summary>
    public IReadOnlyList<RecipientResult> Recipients { get; }

    /// <summary>Whether an outgoing phase cancelled the message.</summary>
    public bool IsCancelled { get; }

    /// <summary>Whether every recipient was sent to (false when cancelled).</summary>
    public bool Succeeded
    {
        get
        {
            if (IsCancelled)
            {
                return false;
            }

            foreach (var recipient in Recipients)
            {
                if (!recipient.Succeeded)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The recipients that failed.</summary>
    public IReadOnlyList<RecipientResult> Failures => Recipients.Where(r => !r.Succeeded).ToArray();

    /// <summary>The identities that failed (RapidSMS's <c>failed_identities</c>).</summary>
    public IReadOnlyList<string> FailedIdentities => Recipients.Where(r => !r.Succeeded).Select(r => r.Identity).ToArray();

    /// <summary>A result where every identity succeeded.</summary>
    /// <param name="identities">The identities sent to.</param>
    public static SendResult Success(IEnumerable<string> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        return new SendResult(identities.Select(i => RecipientResult.Sent(i)).ToArray());
    }

    /// <summary>A result where every identity failed for the same reason.</summary>
    /// <param name="identities">The identities that failed.</param>
    /// <param name="error">Why.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    public static SendResult Failure(IEnumerable<string> identities, string error, bool isTransient = false)
    {
        ArgumentNullException.ThrowIfNull(identities);
        return new SendResult(identities.Select(i => RecipientResult.Failed(i, error, isTransient)).ToArray());
    }

    /// <summary>Throws <see cref="MessageSendingException"/> when any recipient failed.</summary>
    /// <param name="message">The message this result is for, named in the exception.</param>
    /// <returns>This result, when everyone was sent to.</returns>
    /// <exception cref="MessageSendingException">One or more recipients failed, or the message was cancelled.</exception>
    public SendResult EnsureSuccess(OutgoingMessage? message = null)
    {
        if (Succeeded)
        {
            return this;
        }

        if (IsCancelled)
        {
            throw new MessageSendingException($"Message {message?.Id ?? "(unknown)"} was cancelled by an app's outgoing phase.", []);
        }

        throw new MessageSendingException(this, message);
    }
}
