using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Http;

namespace MyCompany.Sms;

/// <summary>The code in docs/backends/http.md and src/RapidSms.Backends.Http/README.md, compiled and run by HttpDocsTests.</summary>
public static class HttpDocsExamples
{
    public static void SelfHosted(HostApplicationBuilder builder)
    {
        // <self-hosted>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("gateway", b => b.UseHttp(o =>
            {
                // Incoming: http://HOST:8080/sms?phone=%2B256700000001&message=ping
                o.ListenUrl = "http://0.0.0.0:8080";
                o.ReceivePath = "/sms";

                // Outgoing: GET https://sms.example.com/send?to=...&text=...
                o.SendSmsUrl = "https://sms.example.com/send";
                o.SendSmsParams["to"] = "{identity}";
                o.SendSmsParams["text"] = "{text}";
            })));
        // </self-hosted>
    }

    public static WebApplication Mapped(string[] args)
    {
        // <mapped>
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("gateway", b => b.UseHttp(o =>
            {
                o.SharedSecret = builder.Configuration["Sms:WebhookSecret"];
                o.SendSmsUrl = "https://api.sms.example.com/v1/messages";
                o.SendSmsMethod = HttpSendMethod.Post;
                o.SendSmsFormat = HttpSendFormat.Json;
                o.SendSmsParams["to"] = "{identity}";
                o.SendSmsParams["body"] = "{text}";
                o.SendSmsParams["reference"] = "{id}";
                o.SendSmsHeaders["Authorization"] = $"Bearer {builder.Configuration["Sms:ApiToken"]}";
                o.SuccessPattern = "\"status\"\\s*:\\s*\"(queued|sent)\"";
                o.MessageIdPattern = "\"id\"\\s*:\\s*\"(?<id>[^\"]+)\"";
            })));

        var app = builder.Build();
        app.MapRapidSmsHttp("/sms/incoming", "gateway");
        // </mapped>
        return app;
    }
}
