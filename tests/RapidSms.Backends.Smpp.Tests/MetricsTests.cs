using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The SMPP backend's instruments, against the SMSC simulator.</summary>
public sealed class MetricsTests
{
    private const string Phone = "+256700000001";

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    /// <summary>A simulator and a bound host whose container has an <see cref="IMeterFactory"/>.</summary>
    private static async Task<(SmppSimulator Smsc, SmppTestHost Host, IMeterFactory Meters)> StartAsync(Action<SmppOptions>? configure = null)
    {
        var smsc = SmppSimulator.Start();
        var host = await SmppTestHost.StartAsync(smsc.Host, smsc.Port, configure, services => services.AddMetrics());
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);
        return (smsc, host, host.Host.Services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public async Task Submits_ThrottledThenAccepted_CountedByStatusWithRoundTrips()
    {
        var (smsc, host, meters) = await StartAsync(o => o.ThrottlePause = TimeSpan.FromMilliseconds(50));
        await using var _ = smsc;
        await using var __ = host;
        using var submits = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, SmppTelemetry.Submits);
        using var durations = new MetricCollector<double>(meters, RapidSmsTelemetry.Name, SmppTelemetry.SubmitDuration);
        using var bound = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, SmppTelemetry.LinksBound);
        using var timeout = Timeout();
        smsc.ThrottleNext(1, SmppCommandStatus.Throttled);

        var result = await host.Router.SendAsync("counted", host.To(Phone), timeout.Token);

        result.EnsureSuccess();
        submits.Measurements.Should().HaveCount(2);
        submits.Sum(m => m.HasTag(SmppTelemetry.CommandStatusTag, "Throttled")).Should().Be(1);
        submits.Sum(m => m.HasTag(SmppTelemetry.CommandStatusTag, "Ok")).Should().Be(1);
        submits.Measurements.Should().OnlyContain(m => m.HasTag(RapidSmsTelemetry.BackendTag, SmppTestHost.BackendName));
        durations.Measurements.Should().HaveCount(2, "each answer has its round trip")
            .And.OnlyContain(m => m.Value >= 0 && m.Value < 30 && m.HasTag(RapidSmsTelemetry.BackendTag, SmppTestHost.BackendName));
        bound.RecordObservableInstruments();
        bound.LastMeasurement!.Value.Should().Be(1);
        bound.LastMeasurement.HasTag(SmppTelemetry.BindTag, "transceiver").Should().BeTrue();
    }

    [Fact]
    public async Task Submits_StatusOutsideTheSpecification_TaggedWithItsValueInHex()
    {
        var (smsc, host, meters) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var submits = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, SmppTelemetry.Submits);
        using var timeout = Timeout();
        smsc.FailNext(1, (SmppCommandStatus)0x400);

        var result = await host.Router.SendAsync("vendor status", host.To(Phone), timeout.Token);

        result.Recipients[0].Succeeded.Should().BeFalse();
        submits.LastMeasurement!.HasTag(SmppTelemetry.CommandStatusTag, "0x00000400").Should().BeTrue();
    }

    [Fact]
    public async Task Outstanding_ResponsesStalled_CountsTheWindowInUseThenTimeouts()
    {
        var (smsc, host, meters) = await StartAsync(o =>
        {
            o.WindowSize = 3;
            o.RequestTimeout = TimeSpan.FromSeconds(2);
            o.MaxRetries = 50;
        });
        await using var _ = smsc;
        await using var __ = host;
        using var outstanding = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, SmppTelemetry.RequestsOutstanding);
        using var timeouts = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, SmppTelemetry.RequestTimeouts);
        using var timeout = Timeout();
        smsc.StallResponses = true;

        var sends = Enumerable.Range(0, 5).Select(i => host.Router.SendAsync($"stalled {i}", host.To(Phone), timeout.Token).AsTask()).ToList();
        await smsc.WaitForSubmissionsAsync(3, timeout.Token);
        outstanding.RecordObservableInstruments();
        outstanding.LastMeasurement!.Value.Should().Be(3, "the window holds 3 requests");
        outstanding.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, SmppTestHost.BackendName).Should().BeTrue();
        await timeouts.WaitForMeasurementsAsync(3, timeout.Token);

        smsc.StallResponses = false;
        await Task.WhenAll(sends);
        sends.Should().OnlyContain(s => s.Result.Recipients[0].Succeeded);
        outstanding.RecordObservableInstruments();
        outstanding.LastMeasurement!.Value.Should().Be(0);
    }

    [Fact]
    public async Task Reconnects_SmscDropsTheLink_CountedForTheBindAndTheLinkIsBoundAgain()
    {
        var (smsc, host, meters) = await StartAsync();
        await using var _ = smsc;
        await using var __ = host;
        using var reconnects = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, SmppTelemetry.Reconnects);
        using var bound = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, SmppTelemetry.LinksBound);
        using var timeout = Timeout();
        reconnects.Count.Should().Be(0);

        smsc.DropConnections();

        await reconnects.WaitForMeasurementsAsync(1, timeout.Token);
        reconnects.LastMeasurement!.HasTag(SmppTelemetry.BindTag, "transceiver").Should().BeTrue();
        reconnects.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, SmppTestHost.BackendName).Should().BeTrue();
        await host.WaitForBindAsync(timeout.Token);
        bound.RecordObservableInstruments();
        bound.LastMeasurement!.Value.Should().Be(1);
    }

    [Fact]
    public async Task LinksBound_TransmitterAndReceiver_OneSeriesPerBind()
    {
        var (smsc, host, meters) = await StartAsync(o => o.BindMode = SmppBindMode.TransmitterAndReceiver);
        await using var _ = smsc;
        await using var __ = host;
        using var bound = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, SmppTelemetry.LinksBound);
        using var timeout = Timeout();
        bound.RecordObservableInstruments();
        bound.Measurements.Select(m => m.Tags[SmppTelemetry.BindTag]).Should().BeEquivalentTo(new object?[] { "transmitter", "receiver" });

        // Both series read 1 once both binds are answered.
        await bound.WaitForObservedValueAsync(v => v == 1, timeout.Token);

        smsc.BoundSessions.Should().Be(2);
    }

    [Fact]
    public async Task TelemetryPage_ListsEverySmppInstrumentWithItsTypeAndUnit()
    {
        var page = await TelemetryPage.ShouldListInstrumentsAsync(typeof(SmppTelemetry), "rapidsms.smpp.", async () =>
        {
            await using var smsc = SmppSimulator.Start();
            await using (await SmppTestHost.StartAsync(smsc.Host, smsc.Port, services: services => services.AddMetrics()))
            {
            }
        });

        foreach (var tag in new[] { SmppTelemetry.BindTag, SmppTelemetry.CommandStatusTag })
        {
            page.Should().Contain(l => l.Contains($"`{tag}`", StringComparison.Ordinal), $"the page explains the tag {tag}");
        }
    }
}
