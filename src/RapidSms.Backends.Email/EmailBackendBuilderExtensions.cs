using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Email;

namespace RapidSms;

/// <summary>Chooses the email engine for a backend.</summary>
public static class EmailBackendBuilderExtensions
{
    /// <summary>Uses the email backend (IMAP in, SMTP out) with options set in code.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <example><code>rapid.AddBackend("email", b => b.UseEmail(o => { o.ImapHost = "imap.example.org"; /* ... */ }));</code></example>
    public static IBackendBuilder UseEmail(this IBackendBuilder builder, Action<EmailOptions>? configure = null) =>
        builder.Use<EmailBackend, EmailOptions>(configure);

    /// <summary>Uses the email backend with options read from a configuration section.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options; unknown keys are an error.</param>
    public static IBackendBuilder UseEmail(this IBackendBuilder builder, IConfiguration section) =>
        builder.Use<EmailBackend, EmailOptions>(section);
}
