using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Email;

/// <summary>
/// Options of the email backend, one set per backend name: the IMAP mailbox read for incoming
/// messages and the SMTP server replies are sent through.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>The IMAP server's host name, such as <c>imap.gmail.com</c>. Required.</summary>
    [Required]
    public string ImapHost { get; set; } = "";

    /// <summary>The IMAP port. Defaults to 993 (implicit TLS); use 143 with <see cref="EmailSecurity.StartTls"/>.</summary>
    [Range(1, 65535)]
    public int ImapPort { get; set; } = 993;

    /// <summary>How the IMAP connection is protected. Defaults to <see cref="EmailSecurity.Tls"/>.</summary>
    public EmailSecurity ImapSecurity { get; set; } = EmailSecurity.Tls;

    /// <summary>The IMAP login (often the full address). Required.</summary>
    [Required]
    public string ImapUserName { get; set; } = "";

    /// <summary>The IMAP password or app password. Never logged. Required unless <see cref="AccessTokenProvider"/> is set.</summary>
    public string ImapPassword { get; set; } = "";

    /// <summary>
    /// Supplies an OAuth 2.0 access token for logging in with SASL XOAUTH2 (Gmail, Microsoft 365) instead of a
    /// password. It is called for every new IMAP and SMTP connection, so it can hand out a refreshed token.
    /// When set, the IMAP login uses it (<see cref="ImapPassword"/> is then ignored), and so does the SMTP
    /// login unless <see cref="SmtpPassword"/> is set. Code only (not bindable from configuration); the token
    /// is never logged. Defaults to none: logins use passwords.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>The mailbox (folder) whose unread mail becomes incoming messages. Defaults to <c>INBOX</c>.</summary>
    [Required]
    public string Mailbox { get; set; } = "INBOX";

    /// <summary>The SMTP server's host name, such as <c>smtp.gmail.com</c>. Required.</summary>
    [Required]
    public string SmtpHost { get; set; } = "";

    /// <summary>The SMTP port. Defaults to 587 (submission with STARTTLS); use 465 with <see cref="EmailSecurity.Tls"/>.</summary>
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    /// <summary>How the SMTP connection is protected. Defaults to <see cref="EmailSecurity.StartTls"/>.</summary>
    public EmailSecurity SmtpSecurity { get; set; } = EmailSecurity.StartTls;

    /// <summary>
    /// The SMTP login. Defaults to <see langword="null"/>: the IMAP login and password are used. Set it to an
    /// empty string to send without logging in (a relay that trusts this host).
    /// </summary>
    public string? SmtpUserName { get; set; }

    /// <summary>The SMTP password, when <see cref="SmtpUserName"/> is set. Never logged.</summary>
    public string? SmtpPassword { get; set; }

    /// <summary>The address messages are sent from, such as <c>sms@example.org</c>. Required.</summary>
    [Required]
    [EmailAddress]
    public string FromAddress { get; set; } = "";

    /// <summary>The display name shown with <see cref="FromAddress"/>. Defaults to none.</summary>
    public string? FromName { get; set; }

    /// <summary>
    /// The subject of messages that are not replies and carry no <see cref="EmailFields.Subject"/> field.
    /// Defaults to <see langword="null"/>: the first line of the text, shortened to 60 characters.
    /// </summary>
    public string? DefaultSubject { get; set; }

    /// <summary>Whether to wait for new mail with IMAP IDLE when the server offers it. Defaults to <see langword="true"/>.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>How often to look for new mail when IDLE is off or not offered. Defaults to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one IDLE lasts before it is renewed (servers drop idle sessions after 30 minutes). Defaults to 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:29:00")]
    public TimeSpan IdleRenewal { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many bytes of each mail to fetch. A larger mail (a big attachment) is read from its first bytes,
    /// which hold the text in any usual layout, and routed with the text found there. Defaults to 1 MiB.
    /// </summary>
    [Range(4096, 256 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether to leave out of the text what a reply quotes (below "On ... wrote:", an Outlook separator or
    /// trailing "&gt;" lines) and the sender's signature (below "-- "), so apps see what the person
    /// wrote now. The whole text stays in the <see cref="EmailFields.FullText"/> field. Defaults to <see langword="true"/>.
    /// </summary>
    public bool StripQuotedText { get; set; } = true;

    /// <summary>
    /// Whether mail sent by machines (Auto-Submitted, bounces, bulk and list mail) is set aside instead of
    /// routed, so autoresponders cannot start a reply loop. Defaults to <see langword="true"/>.
    /// </summary>
    public bool IgnoreAutomaticMail { get; set; } = true;

    /// <summary>The first wait before reconnecting after the IMAP link broke; it doubles up to <see cref="MaxReconnectDelay"/>. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnection attempts. Defaults to 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long connecting and each command may take before the link counts as broken. Defaults to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The SHA-256 (or SHA-1) fingerprint, in hex, of a server certificate to accept even when it does not
    /// chain to a trusted root: a self-signed certificate on a self-hosted server. Defaults to none.
    /// </summary>
    public string? ServerCertificateThumbprint { get; set; }

    /// <summary>
    /// How long an SMTP session stays open after a send, for the next one to reuse (checked with NOOP first;
    /// one that died meanwhile is replaced by a new connection). A burst of replies then costs one connection
    /// and one login. Zero closes the session after every send. Defaults to 30 seconds; at most 5 minutes,
    /// the time servers wait for a command before closing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SmtpKeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The name given in SMTP EHLO. Defaults to the machine's host name.</summary>
    public string? HeloName { get; set; }

    /// <summary>
    /// Whether to log every protocol line at Trace level (event <c>ProtocolTrace</c>), with logins and
    /// passwords replaced by asterisks and message contents left out. Defaults to <see langword="false"/>.
    /// </summary>
    public bool ProtocolTrace { get; set; }
}
