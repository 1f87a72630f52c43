using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>Reconnecting on the injected clock.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task ImapUnreachable_RetriesWithDoublingJitteredDelaysUpToTheMaximum()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var time = new ManualTimeProvider();
        var logs = new ListLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("email", b => b.UseEmail(o =>
        {
            o.ImapHost = "127.0.0.1";
            o.ImapPort = Peers.FreeTcpPort();
            o.ImapSecurity = EmailSecurity.None;
            o.ImapUserName = "u";
            o.ImapPassword = "p";
            o.SmtpHost = "127.0.0.1";
            o.FromAddress = "u@example.test";
            o.ReconnectDelay = TimeSpan.FromSeconds(1);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(4);
        })));
        using var host = builder.Build();
        await host.StartAsync(timeout.Token);

        var delays = new List<TimeSpan>();
        while (delays.Count < 5)
        {
            var lost = logs.Records.Where(r => r.EventId.Name == "ImapConnectionLost").ToList();
            if (lost.Count > delays.Count)
            {
                delays.Add((TimeSpan)lost[delays.Count].GetStateValue("Delay")!);
                continue;
            }

            // The loop waits on the manual clock: move it until the next attempt is logged.
            await logs.WaitForAsync(r => r.EventId.Name == "ImapConnectionLost" && !lost.Contains(r), timeout.Token)
                .WaitAsync(TimeSpan.FromMilliseconds(100), timeout.Token)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await host.StopAsync(timeout.Token);

        double[] expected = [1, 2, 4, 4, 4];
        for (var i = 0; i < expected.Length; i++)
        {
            delays[i].TotalSeconds.Should().BeInRange(expected[i] * 0.8, expected[i] * 1.2, $"attempt {i + 1}");
        }

        logs.Records.Should().NotContain(r => r.EventId.Name == "BackendLoopFailed");
    }
}
