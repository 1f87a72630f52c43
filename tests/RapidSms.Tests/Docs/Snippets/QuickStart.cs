using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Bucket;

namespace MyCompany.Sms;

/// <summary>The quick start of README.md, as a method so the tests can run it.</summary>
public static class QuickStart
{
    public static async Task RunAsync(string[] args)
    {
        // <quick-start>
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddHandler<EchoHandler>()
            .AddDefaultResponse()
            .AddBackend("message_tester", b => b.UseBucket()));

        using var host = builder.Build();
        await host.StartAsync();

        // Play the phone: +256700000001 sends "ping". InjectAsync returns once the replies are sent.
        var bucket = host.Services.GetRequiredService<IRouter>().GetBackend<BucketBackend>("message_tester");
        var message = await bucket.InjectAsync("+256700000001", "ping");
        foreach (var reply in bucket.RepliesTo(message))
        {
            Console.WriteLine($"{reply.Identity} < {reply.Text}"); // +256700000001 < pong
        }

        await host.StopAsync();
        // </quick-start>
    }
}
