using System.Collections.Concurrent;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>Several modems, each its own named backend on the one engine, in one host.</summary>
public sealed class MultiModemTests
{
    [PeerFact(SocatPair.Install, "socat")]
    public async Task ThreeModems_OneHost_AllSendAndReceiveAtOnce()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        const int perModem = 8;
        await using var serial = await ModemLink.PtyAsync();
        await using var ipA = ModemLink.Tcp();
        await using var ipB = ModemLink.Tcp();
        var links = new Dictionary<string, ModemLink> { ["Zain"] = serial, ["Mtn"] = ipA, ["Airtel"] = ipB };
        await using var host = await GsmHost.StartAsync(r =>
        {
            foreach (var (name, link) in links)
            {
                r.AddBackend(name, b => b.UseGsm(link.Configure));
            }
        });
        foreach (var name in links.Keys)
        {
            await host.WaitReadyAsync(name, timeout.Token);
        }

        // Every modem receives and sends at the same time: incoming echoes produce replies on their own
        // modem while the app pushes outgoing messages through all three.
        var work = new List<Task>();
        var sendResults = new ConcurrentBag<SendResult>();
        foreach (var (name, link) in links)
        {
            work.Add(Task.Run(async () =>
            {
                for (var i = 0; i < perModem; i++)
                {
                    await link.Simulator.DeliverAsync($"+25670000{i:D4}", $"echo {name} reply {i}", cancellationToken: timeout.Token);
                }
            }));
            work.Add(Task.Run(async () =>
            {
                for (var i = 0; i < perModem; i++)
                {
                    sendResults.Add(await host.Router.SendAsync($"{name} push {i}", new Connection(name, $"+25671000{i:D4}"), timeout.Token));
                }
            }));
        }

        try
        {
            await Task.WhenAll(work).WaitAsync(timeout.Token);
            await host.App.WaitForReceivedAsync(perModem * links.Count, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            var state = string.Join("; ", links.Select(l => $"{l.Key}: received {host.App.Received.Count(m => m.Connection.Backend == l.Key)}, sent {l.Value.Simulator.Sent.Count}, stored {l.Value.Simulator.Storage.Count}, {host.Backend(l.Key).Status}"));
            var logs = string.Join(Environment.NewLine, host.Logs.Records.Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(r => $"{r.Category} {r.Level} {r.Message} {r.Exception?.Message}"));
            throw new TimeoutException(state + Environment.NewLine + logs);
        }

        sendResults.Should().HaveCount(perModem * links.Count).And.OnlyContain(r => r.Succeeded);
        foreach (var (name, link) in links)
        {
            var sent = await link.Simulator.WaitForSentAsync(perModem * 2, timeout.Token);
            sent.Select(m => m.Text).Should().BeEquivalentTo(
                Enumerable.Range(0, perModem).Select(i => $"{name} reply {i}").Concat(Enumerable.Range(0, perModem).Select(i => $"{name} push {i}")),
                because: $"modem {name} sends only its own traffic");
            host.App.Received.Where(m => m.Connection.Backend == name).Should().HaveCount(perModem)
                .And.OnlyContain(m => m.Text.StartsWith("echo " + name, StringComparison.Ordinal));
            await link.Simulator.WaitUntilAsync(() => link.Simulator.Storage.Count == 0, timeout.Token);
            host.Backend(name).Status.MessagesReceived.Should().Be(perModem);
        }
    }
}
