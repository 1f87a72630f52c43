namespace RapidSms.Backends.Email;

/// <summary>
/// Names of the <see cref="MessageBase.Fields"/> the email backend sets on incoming messages, and reads on
/// outgoing ones.
/// </summary>
public static class EmailFields
{
    /// <summary>The subject (string). On an outgoing message, it sets the subject of the mail sent.</summary>
    public const string Subject = "email.subject";

    /// <summary>The Message-ID with its angle brackets (string), used to thread replies.</summary>
    public const string MessageId = "email.message_id";

    /// <summary>The message ids of the thread from References, oldest first (string array).</summary>
    public const string References = "email.references";

    /// <summary>The In-Reply-To message id (string), when the mail answers another.</summary>
    public const string InReplyTo = "email.in_reply_to";

    /// <summary>The sender's display name (string), possibly empty.</summary>
    public const string FromName = "email.from_name";

    /// <summary>The mail's own Date header (<see cref="DateTimeOffset"/>), when it has a valid one.</summary>
    public const string Date = "email.date";

    /// <summary>The mail's IMAP UID in the mailbox (long).</summary>
    public const string Uid = "email.uid";

    /// <summary>
    /// The whole text of the mail (string), set when <see cref="EmailOptions.StripQuotedText"/> removed quoted
    /// text or a signature from <see cref="MessageBase.Text"/>.
    /// </summary>
    public const string FullText = "email.full_text";

    /// <summary>What was wrong with the mail and worked around (string array), when anything was.</summary>
    public const string Problems = "email.problems";
}
