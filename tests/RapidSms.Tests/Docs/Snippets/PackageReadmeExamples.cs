using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Bucket;

namespace MyCompany.Sms;

/// <summary>The code in src/RapidSms/README.md and src/RapidSms.Backends.Bucket/README.md.</summary>
public static class PackageReadmeExamples
{
    public static async Task RunHostAsync(string[] args)
    {
        // <core-host>
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddRapidSms(rapid => rapid
            .AddApp<HelloApp>()
            .AddHandler<PingHandler>()
            .AddHandler<HelpHandler>()
            .AddDefaultResponse()
            .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));

        await builder.Build().RunAsync();
        // </core-host>
    }

    public static void RegisterBucket(HostApplicationBuilder builder)
    {
        // <bucket-register>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("message_tester", b => b.UseBucket(o => o.MaxKept = 1_000)));
        // </bucket-register>
    }

    public static async Task<IReadOnlyList<BucketMessage>> TalkAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // <bucket-inject>
        var bucket = services.GetRequiredService<IRouter>().GetBackend<BucketBackend>("message_tester");

        var message = await bucket.InjectAsync("+256700000001", "ping", cancellationToken);
        var replies = bucket.RepliesTo(message); // [ +256700000001 < pong ]
        // </bucket-inject>
        return replies;
    }
}
