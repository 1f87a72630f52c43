namespace RapidSms.Backends.Email;

/// <summary>
/// Names of the email backend's instruments on the <c>RapidSms</c> meter, and of their tags; each measurement also
/// carries the <c>rapidsms.backend</c> tag. Listed in docs/telemetry.md.
/// </summary>
public static class EmailTelemetry
{
    /// <summary>Gauge: 1 while the IMAP connection is open, logged in and the mailbox selected, else 0 (<c>{state}</c>).</summary>
    public const string ImapConnected = "rapidsms.email.imap.connected";

    /// <summary>Counter: times the IMAP link was lost or could not be opened, before the next attempt (<c>{reconnect}</c>).</summary>
    public const string ImapReconnects = "rapidsms.email.imap.reconnects";

    /// <summary>Counter: mails to one recipient the SMTP server refused or could not take, each attempt counted (<c>{message}</c>; tag <see cref="ErrorTypeTag"/>).</summary>
    public const string SmtpFailures = "rapidsms.email.smtp.failures";

    /// <summary>
    /// Tag: why a mail was not sent: <c>transient</c> (a 4xx reply), <c>permanent</c> (a 5xx reply, or a refusal such as a
    /// server without STARTTLS), <c>timeout</c> (no answer within the command timeout), <c>tls</c> (the TLS handshake
    /// failed) or <c>io</c> (the connection could not be opened or broke).
    /// </summary>
    public const string ErrorTypeTag = "error.type";
}
