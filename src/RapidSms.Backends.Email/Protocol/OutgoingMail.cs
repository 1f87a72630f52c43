namespace RapidSms.Backends.Email.Protocol;

/// <summary>A mail to write: one sender, one recipient, plain UTF-8 text.</summary>
internal sealed record OutgoingMail
{
    /// <summary>The sender.</summary>
    public required MailboxAddress From { get; init; }

    /// <summary>The recipient.</summary>
    public required MailboxAddress To { get; init; }

    /// <summary>The subject, any characters.</summary>
    public required string Subject { get; init; }

    /// <summary>The text, any characters and line breaks.</summary>
    public required string Text { get; init; }

    /// <summary>The Message-ID, with angle brackets.</summary>
    public required string MessageId { get; init; }

    /// <summary>When it was written.</summary>
    public required DateTimeOffset Date { get; init; }

    /// <summary>The message id this mail answers, with angle brackets.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The thread's message ids, oldest first.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>True for an automatic reply (adds Auto-Submitted: auto-replied, RFC 3834).</summary>
    public bool IsAutoReply { get; init; }
}
