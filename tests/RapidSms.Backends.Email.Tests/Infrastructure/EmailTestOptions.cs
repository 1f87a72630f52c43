namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>Points the backend at <see cref="MailServers"/> as the rapidsms user.</summary>
public static class EmailTestOptions
{
    public static void Apply(EmailOptions o, MailServers servers)
    {
        o.ImapHost = "127.0.0.1";
        o.ImapPort = servers.ImapPort;
        o.ImapSecurity = EmailSecurity.None;
        o.ImapUserName = "rapidsms";
        o.ImapPassword = MailServers.Password;
        o.SmtpHost = "127.0.0.1";
        o.SmtpPort = servers.SmtpPort;
        o.SmtpSecurity = EmailSecurity.None;
        o.SmtpUserName = servers.Options.SmtpAuthentication ? "rapidsms" : "";
        o.SmtpPassword = servers.Options.SmtpAuthentication ? MailServers.Password : null;
        o.FromAddress = servers.Address("rapidsms");
        o.FromName = "RapidSMS Clinic";
        o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
        o.MaxReconnectDelay = TimeSpan.FromSeconds(1);
        o.CommandTimeout = TimeSpan.FromSeconds(10);
        o.ProtocolTrace = true;
    }
}
