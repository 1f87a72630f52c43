using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RapidSms.Benchmarks;

/// <summary>
/// The two servers bench/webhook/run.sh points wrk at, built the same way (a slim ASP.NET Core
/// WebApplication on Kestrel, no logging) so that the only difference is the endpoint:
/// <list type="bullet">
/// <item><c>bare</c>: a minimal-API endpoint that answers 200 and does nothing else;</item>
/// <item><c>rapidsms</c>: <c>MapRapidSmsHttp</c> with the HTTP backend, the router and two apps, so every request is
/// parsed, handed to the router, run through the apps' phases and answered 200 only after that.</item>
/// </list>
/// </summary>
internal static class WebhookHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || args[0] is not ("bare" or "rapidsms") || !int.TryParse(args[1], out var port))
        {
            await Console.Error.WriteLineAsync("usage: webhook-host bare|rapidsms PORT");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var counter = new CountingApp();
        if (args[0] == "rapidsms")
        {
            builder.Services.AddRapidSms(rapid => rapid
                .AddApp<FirstNoOpApp>()
                .AddApp(counter)
                .AddBackend("gateway", b => b.UseHttp()));
        }

        var app = builder.Build();
        if (args[0] == "rapidsms")
        {
            app.MapRapidSmsHttp("/sms", "gateway");
        }
        else
        {
            app.MapGet("/sms", () => Results.Ok());
        }

        await app.RunAsync();

        // wrk's numbers are only worth something if every 200 was a message the apps saw.
        if (args[0] == "rapidsms")
        {
            await Console.Error.WriteLineAsync($"rapidsms host: the apps saw {counter.Count} messages");
        }

        return 0;
    }

    private sealed class CountingApp : AppBase
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Handled;
        }
    }
}
