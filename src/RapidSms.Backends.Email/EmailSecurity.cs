namespace RapidSms.Backends.Email;

/// <summary>How a connection to a mail server is protected.</summary>
public enum EmailSecurity
{
    /// <summary>TLS from the first byte ("implicit TLS"): IMAP on port 993, SMTP on port 465.</summary>
    Tls,

    /// <summary>A plain connection switched to TLS with STARTTLS before logging in; fails when the server does not offer it (IMAP 143, SMTP 587).</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, a plain connection otherwise. Only for trusted networks.</summary>
    StartTlsWhenAvailable,

    /// <summary>No encryption. Only for loopback and tests: passwords travel in the clear.</summary>
    None,
}
