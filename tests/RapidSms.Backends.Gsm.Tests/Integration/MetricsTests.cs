using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_ReceiveSendAndSignal_ExportedWithBackendTag()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var link = ModemLink.Tcp(new RapidSms.Testing.Gsm.GsmModemSimulatorOptions { SignalQuality = 10, Capacity = 255 });
        await using var host = await GsmHost.StartAsync(r => r.AddBackend("modem", b => b.UseGsm(link.Configure)), services => services.AddMetrics());
        var factory = host.Host.Services.GetRequiredService<IMeterFactory>();
        using var received = new MetricCollector<long>(factory, RapidSmsTelemetry.Name, GsmTelemetry.MessagesReceived);
        using var sent = new MetricCollector<long>(factory, RapidSmsTelemetry.Name, GsmTelemetry.PartsSent);
        using var signal = new MetricCollector<int>(factory, RapidSmsTelemetry.Name, GsmTelemetry.SignalStrength);
        await host.WaitReadyAsync("modem", timeout.Token);

        await link.Simulator.DeliverAsync("+256700000001", "echo " + new string('m', 200), cancellationToken: timeout.Token);
        await link.Simulator.WaitForSentAsync(1, timeout.Token);
        await received.WaitForMeasurementsAsync(1, timeout.Token);
        await sent.WaitForMeasurementsAsync(2, timeout.Token);
        signal.RecordObservableInstruments();

        received.Sum().Should().Be(1);
        received.LastMeasurement!.HasTag(RapidSmsTelemetry.BackendTag, "modem").Should().BeTrue();
        sent.Sum().Should().Be(2);
        signal.LastMeasurement!.Value.Should().Be(-93);
        signal.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, "modem").Should().BeTrue();
    }

    [Fact]
    public async Task TelemetryPage_ListsEveryGsmInstrumentWithItsTypeAndUnit()
    {
        var published = new Dictionary<string, Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == RapidSmsTelemetry.Name && instrument.Name.StartsWith("rapidsms.gsm.", StringComparison.Ordinal))
                {
                    lock (published)
                    {
                        published[instrument.Name] = instrument;
                    }
                }
            },
        };
        listener.Start();
        await using var link = ModemLink.Tcp();
        await using (await GsmHost.StartAsync(r => r.AddBackend("modem", b => b.UseGsm(link.Configure)), services => services.AddMetrics()))
        {
        }

        var page = await File.ReadAllLinesAsync(Path.Combine(Peers.RepositoryRoot, "docs", "telemetry.md"));
        lock (published)
        {
            published.Keys.Should().BeEquivalentTo(typeof(GsmTelemetry).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!));
            foreach (var instrument in published.Values)
            {
                var kind = instrument.GetType().Name.Split('`')[0];
                page.Should().ContainSingle(l => l.StartsWith($"| `{instrument.Name}` |", StringComparison.Ordinal))
                    .Which.Should().Contain($"| {kind} | `{instrument.Unit}` |");
            }
        }
    }
}
