using Microsoft.Extensions.Hosting;
using RapidSms;

namespace MyCompany.Sms;

/// <summary>The registration code in docs/writing-a-backend.md.</summary>
public static class BackendExamples
{
    public static void Register(HostApplicationBuilder builder)
    {
        // <register-file-drop>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("spool", b => b.UseFileDrop(o =>
            {
                o.InboxPath = "/var/spool/sms/in";
                o.OutboxPath = "/var/spool/sms/out";
            })));
        // </register-file-drop>
    }
}
