using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Integration;

/// <summary>The IRC backend's instruments, against ngIRCd.</summary>
public sealed class IrcMetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Connected_ServerKilledAndRestarted_ReadsZeroThenOneAndTheReconnectIsCounted()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => o.Nick = "rapidbot", timeout.Token, services => services.AddMetrics());
        var meters = bot.Host.Services.GetRequiredService<IMeterFactory>();
        using var connected = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, IrcTelemetry.Connected);
        using var reconnects = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, IrcTelemetry.Reconnects);
        connected.RecordObservableInstruments();
        connected.LastMeasurement!.Value.Should().Be(1);
        connected.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, IrcBotHost.BackendName).Should().BeTrue();
        reconnects.Count.Should().Be(0);

        await server.StopAsync();

        await reconnects.WaitForMeasurementsAsync(1, timeout.Token);
        reconnects.LastMeasurement!.Value.Should().Be(1);
        reconnects.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, IrcBotHost.BackendName).Should().BeTrue();
        connected.RecordObservableInstruments();
        connected.LastMeasurement!.Value.Should().Be(0, "the server is down");

        await server.RestartAsync();
        await bot.Backend.WaitUntilConnectedAsync(timeout.Token);

        connected.RecordObservableInstruments();
        connected.LastMeasurement!.Value.Should().Be(1);
        bot.Backend.Client.Registrations.Should().Be(2);
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task SendQueue_LinesHeldByFloodControl_AreCountedUntilWritten()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(
            server,
            o => { o.Nick = "rapidbot"; o.FloodBurst = 1; o.FloodInterval = TimeSpan.FromMilliseconds(500); },
            timeout.Token,
            services => services.AddMetrics());
        var meters = bot.Host.Services.GetRequiredService<IMeterFactory>();
        using var queue = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, IrcTelemetry.SendQueue);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        queue.RecordObservableInstruments();
        queue.LastMeasurement!.Value.Should().Be(0);

        var sending = bot.Router.SendAsync("one\ntwo\nthree\nfour", new Connection(IrcBotHost.BackendName, "alice"), timeout.Token).AsTask();

        // The first line goes out at once; the others wait for flood control, one every 500 ms.
        var waiting = (await queue.WaitForObservedValueAsync(v => v > 0, timeout.Token)).Single();

        waiting.Value.Should().BeInRange(1, 4);
        waiting.HasTag(RapidSmsTelemetry.BackendTag, IrcBotHost.BackendName).Should().BeTrue();
        (await sending).Succeeded.Should().BeTrue();
        for (var i = 0; i < 4; i++)
        {
            await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);
        }

        queue.RecordObservableInstruments();
        queue.LastMeasurement!.Value.Should().Be(0, "every line was written");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task TelemetryPage_ListsEveryIrcInstrumentWithItsTypeAndUnit()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await TelemetryPage.ShouldListInstrumentsAsync(typeof(IrcTelemetry), "rapidsms.irc.", async () =>
        {
            await using var server = await NgircdServer.StartAsync();
            await using (await IrcBotHost.StartAsync(server, o => o.Nick = "rapidbot", timeout.Token, services => services.AddMetrics()))
            {
            }
        });
    }
}
