using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;

namespace MyCompany.Sms;

/// <summary>The code in docs/configuration.md.</summary>
public static class ConfigurationExamples
{
    public static void InCode(HostApplicationBuilder builder)
    {
        // <in-code>
        builder.Services.AddRapidSms(rapid => rapid
            .AddBackend("message_tester", b => b.UseBucket())
            .AddBackend("load_test", b => b.UseBucket(o => o.MaxKept = 100))
            .AddBackend("spool", b => b.Use<FileDropBackend, FileDropOptions>(o =>
            {
                o.InboxPath = "/var/spool/sms/in";
                o.OutboxPath = "/var/spool/sms/out";
            }))
            .AddBackend("spool2", b => b.UseFileDrop(builder.Configuration.GetSection("Spool2"))));
        // </in-code>
    }

    public static void FromConfiguration(HostApplicationBuilder builder)
    {
        // <from-configuration>
        builder.Services.AddRapidSms(rapid => rapid
            .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        // </from-configuration>
    }

    public static void WithEngine(HostApplicationBuilder builder)
    {
        // <add-engine>
        builder.Services.AddRapidSms(rapid => rapid
            .AddEngine<FileDropBackend>("spool", "mycompany.spool")
            .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        // </add-engine>
    }

    public static void RouterInCode(HostApplicationBuilder builder)
    {
        // <router-in-code>
        builder.Services.AddRapidSms(rapid => rapid
            .ConfigureRouter(o =>
            {
                o.MaxConcurrentMessages = 16;
                o.Capacity = 256;
                o.MaxSendAttempts = 5;
            }));
        // </router-in-code>
    }

    public static void RouterFromConfiguration(HostApplicationBuilder builder)
    {
        // <router-from-configuration>
        builder.Services.AddRapidSms(rapid => rapid
            .ConfigureRouter(builder.Configuration.GetSection("RapidSms:Router")));
        // </router-from-configuration>
    }

    public static void ShutdownTimeout(HostApplicationBuilder builder)
    {
        // <shutdown-timeout>
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        // </shutdown-timeout>
    }
}
