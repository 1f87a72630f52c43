using System.Diagnostics.Metrics;
using System.Security.Authentication;
using RapidSms.Backends.Email.Client;

namespace RapidSms.Backends.Email;

/// <summary>The email backend's instruments on the <c>RapidSms</c> meter, each measurement tagged with the backend's name.</summary>
internal sealed class EmailMetrics
{
    private readonly KeyValuePair<string, object?> _backend;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _smtpFailures;

    public EmailMetrics(Meter meter, string backend, Func<bool> imapConnected)
    {
        _backend = new KeyValuePair<string, object?>(RapidSmsTelemetry.BackendTag, backend);
        _reconnects = meter.CreateCounter<long>(EmailTelemetry.ImapReconnects, "{reconnect}", "Times the IMAP link was lost or could not be opened, before the next attempt.");
        _smtpFailures = meter.CreateCounter<long>(EmailTelemetry.SmtpFailures, "{message}", "Mails to one recipient the SMTP server refused or could not take, by kind of failure.");
        meter.CreateObservableGauge(
            EmailTelemetry.ImapConnected, () => new Measurement<int>(imapConnected() ? 1 : 0, _backend), "{state}", "1 while the IMAP connection is open and the mailbox selected, else 0.");
    }

    public void ImapReconnecting() => _reconnects.Add(1, _backend);

    public void SmtpFailed(Exception error, int recipients = 1) =>
        _smtpFailures.Add(recipients, _backend, new KeyValuePair<string, object?>(EmailTelemetry.ErrorTypeTag, ErrorType(error)));

    /// <summary>The kind of an SMTP failure, as the <see cref="EmailTelemetry.ErrorTypeTag"/> value.</summary>
    internal static string ErrorType(Exception error) => error switch
    {
        MailProtocolException { IsTransient: true } => "transient",
        MailProtocolException => "permanent",
        OperationCanceledException or TimeoutException => "timeout",
        AuthenticationException => "tls",
        _ => "io",
    };
}
