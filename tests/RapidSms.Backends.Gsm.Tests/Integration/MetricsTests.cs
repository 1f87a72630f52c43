using System.Diagnostics.Metrics;
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
        await TelemetryPage.ShouldListInstrumentsAsync(typeof(GsmTelemetry), "rapidsms.gsm.", async () =>
        {
            await using var link = ModemLink.Tcp();
            await using (await GsmHost.StartAsync(r => r.AddBackend("modem", b => b.UseGsm(link.Configure)), services => services.AddMetrics()))
            {
            }
        });
    }
}
