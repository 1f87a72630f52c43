namespace RapidSms.Backends.Email.Protocol;

/// <summary>What the backend keeps of one received mail.</summary>
internal sealed class ReceivedMail
{
    /// <summary>The first mailbox of From, or <see langword="null"/> when it has none.</summary>
    public MailboxAddress? From { get; init; }

    /// <summary>The first mailbox of Reply-To, if any.</summary>
    public MailboxAddress? ReplyTo { get; init; }

    /// <summary>The decoded subject, or empty.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The Message-ID with its angle brackets, or <see langword="null"/>.</summary>
    public string? MessageId { get; init; }

    /// <summary>The References message ids, oldest first, with angle brackets.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>The In-Reply-To message id, or <see langword="null"/>.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The Date header, when it parsed.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>The readable text: the plain-text body, HTML reduced to text, or empty.</summary>
    public string Text { get; init; } = "";

    /// <summary>True when the mail says it was sent by a machine (Auto-Submitted, a bounce, a list robot).</summary>
    public bool IsAutomatic { get; init; }

    /// <summary>What was wrong with the mail and worked around (unknown charset, unclosed multipart...).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
