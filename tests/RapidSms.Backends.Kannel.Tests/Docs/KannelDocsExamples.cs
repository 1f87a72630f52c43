using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms;

namespace MyCompany.Sms;

/// <summary>The code in docs/backends/kannel.md and src/RapidSms.Backends.Kannel/README.md, compiled and run by KannelDocsTests.</summary>
public static class KannelDocsExamples
{
    public static void SelfHosted(HostApplicationBuilder builder)
    {
        // <self-hosted>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddDeliveryReportObserver<DeliveryLog>()
            .AddBackend("kannel-usb0-smsc", b => b.UseKannel(o =>
            {
                o.SendSmsUrl = "http://127.0.0.1:13013/cgi-bin/sendsms";
                o.Username = "rapidsms";
                o.Password = builder.Configuration["Kannel:Password"];
                o.From = "+256700000000";
                o.Smsc = "usb0-modem";

                // Kannel's get-url and every dlr-url point here.
                o.ListenUrl = "http://127.0.0.1:8081";
                o.ReceivePath = "/kannel";
            })));
        // </self-hosted>
    }

    public static WebApplication Mapped(string[] args)
    {
        // <mapped>
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("kannel", b => b.UseKannel(o =>
            {
                o.Username = "rapidsms";
                o.Password = builder.Configuration["Kannel:Password"];
                o.From = "12345";
                o.SharedSecret = builder.Configuration["Kannel:Secret"];

                // Where Kannel reaches the endpoint mapped below.
                o.DeliveryReportUrl = "http://10.0.0.5:5000/sms/kannel";
            })));

        var app = builder.Build();
        app.MapRapidSmsHttp("/sms/kannel", "kannel");
        // </mapped>
        return app;
    }
}

// <observer>
/// <summary>Logs every delivery report: which message, which phone, what happened.</summary>
public sealed partial class DeliveryLog(ILogger<DeliveryLog> logger) : IDeliveryReportObserver
{
    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        LogReport(logger, report.MessageId, report.Identity, report.Status, report.ErrorCode);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} to {Identity}: {Status} {ErrorCode}")]
    private static partial void LogReport(ILogger logger, string? messageId, string identity, DeliveryStatus status, string? errorCode);
}
// </observer>
