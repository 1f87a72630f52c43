using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Testing;

namespace RapidSms.Testing.Tests;

public sealed class MetricCollectorTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    // Unique per test, so parallel tests never see each other's meters.
    private readonly string _meterName = $"RapidSms.Testing.Tests.{Guid.NewGuid():N}";

    [Fact]
    public void Measurements_CounterWithTags_AreCollectedWithValueTagsAndTimestamp()
    {
        var time = new ManualTimeProvider();
        using var meter = new Meter(_meterName);
        var counter = meter.CreateCounter<long>("rapidsms.messages.sent");
        using var collector = new MetricCollector<long>(meter, "rapidsms.messages.sent", time);

        counter.Add(3, new KeyValuePair<string, object?>("rapidsms.backend", "zain"));
        time.Advance(TimeSpan.FromSeconds(1));
        counter.Add(2, new KeyValuePair<string, object?>("rapidsms.backend", "mtn"), new KeyValuePair<string, object?>("error.type", null));

        collector.Measurements.Should().HaveCount(2);
        var first = collector.Measurements[0];
        first.Value.Should().Be(3);
        first.Tags.Should().Equal(new Dictionary<string, object?> { ["rapidsms.backend"] = "zain" });
        first.Timestamp.Should().Be(ManualTimeProvider.DefaultStartTime);
        first.HasTag("rapidsms.backend", "zain").Should().BeTrue();
        first.Instrument.Should().BeSameAs(counter);
        collector.LastMeasurement!.Value.Should().Be(2);
        collector.LastMeasurement.Timestamp.Should().Be(ManualTimeProvider.DefaultStartTime.AddSeconds(1));
        collector.LastMeasurement.Tags.Should().ContainKey("error.type");
        collector.Sum().Should().Be(5);
        collector.Sum(m => m.HasTag("rapidsms.backend", "mtn")).Should().Be(2);
    }

    [Fact]
    public void Measurements_OtherInstrumentsAndTypes_AreIgnored()
    {
        using var meter = new Meter(_meterName);
        var wanted = meter.CreateCounter<long>("wanted");
        var otherName = meter.CreateCounter<long>("other");
        var otherType = meter.CreateHistogram<double>("wanted.seconds");
        using var collector = new MetricCollector<long>(meter, "wanted");

        otherName.Add(100);
        otherType.Record(1.5);
        wanted.Add(1);

        collector.Measurements.Should().ContainSingle().Which.Value.Should().Be(1);
    }

    [Fact]
    public void Measurements_InstrumentCreatedAfterCollector_AreCollected()
    {
        using var collector = new MetricCollector<double>(_meterName, "rapidsms.backend.send.duration");
        using var meter = new Meter(_meterName);
        var histogram = meter.CreateHistogram<double>("rapidsms.backend.send.duration");

        histogram.Record(0.25);
        histogram.Record(0.5);

        collector.Sum().Should().Be(0.75);
    }

    [Fact]
    public void Measurements_ScopedToMeterFactory_IgnoreOtherServiceProviders()
    {
        using var first = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var second = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var firstFactory = first.GetRequiredService<IMeterFactory>();
        var secondFactory = second.GetRequiredService<IMeterFactory>();
        var firstCounter = firstFactory.Create(_meterName).CreateCounter<int>("rapidsms.messages.received");
        var secondCounter = secondFactory.Create(_meterName).CreateCounter<int>("rapidsms.messages.received");
        using var firstCollector = new MetricCollector<int>(firstFactory, _meterName, "rapidsms.messages.received");
        using var secondCollector = new MetricCollector<int>(secondFactory, _meterName, "rapidsms.messages.received");
        using var everyScope = new MetricCollector<int>(_meterName, "rapidsms.messages.received");

        firstCounter.Add(1);
        secondCounter.Add(10);
        secondCounter.Add(10);

        firstCollector.Sum().Should().Be(1);
        secondCollector.Sum().Should().Be(20);
        everyScope.Sum().Should().Be(21);
    }

    [Fact]
    public void Measurements_NullScope_OnlyUnscopedMeters()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var scopedCounter = services.GetRequiredService<IMeterFactory>().Create(_meterName).CreateCounter<long>("count");
        using var meter = new Meter(_meterName);
        var unscopedCounter = meter.CreateCounter<long>("count");
        using var collector = new MetricCollector<long>(meterScope: null, _meterName, "count");

        scopedCounter.Add(5);
        unscopedCounter.Add(7);

        collector.Sum().Should().Be(7);
    }

    [Fact]
    public void Clear_AfterMeasurements_StartsAfresh()
    {
        using var meter = new Meter(_meterName);
        var counter = meter.CreateCounter<long>("count");
        using var collector = new MetricCollector<long>(meter, "count");
        counter.Add(1);

        collector.Clear();
        counter.Add(2);

        collector.Measurements.Should().ContainSingle().Which.Value.Should().Be(2);
    }

    [Fact]
    public async Task WaitForMeasurementsAsync_MeasurementsRecordedLater_CompletesAtCount()
    {
        using var meter = new Meter(_meterName);
        var counter = meter.CreateCounter<long>("count");
        using var collector = new MetricCollector<long>(meter, "count");
        using var timeout = new CancellationTokenSource(TestTimeout);

        var waiting = collector.WaitForMeasurementsAsync(2, timeout.Token);
        counter.Add(1);
        waiting.IsCompleted.Should().BeFalse();
        await Task.Run(() => counter.Add(1));

        (await waiting).Should().HaveCount(2);
    }

    [Fact]
    public async Task WaitForMeasurementsAsync_Disposed_FailsPendingWait()
    {
        using var meter = new Meter(_meterName);
        var collector = new MetricCollector<long>(meter, "count");
        using var timeout = new CancellationTokenSource(TestTimeout);

        var waiting = collector.WaitForMeasurementsAsync(1, timeout.Token);
        collector.Dispose();

        await waiting.Invoking(t => t).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void RecordObservableInstruments_Gauge_CollectsCurrentValue()
    {
        using var meter = new Meter(_meterName);
        var depth = 3;
        meter.CreateObservableGauge("queue.depth", () => new Measurement<int>(depth, new KeyValuePair<string, object?>("queue", "out")));
        using var collector = new MetricCollector<int>(meter, "queue.depth");

        collector.RecordObservableInstruments();
        depth = 8;
        collector.RecordObservableInstruments();

        collector.Measurements.Select(m => m.Value).Should().Equal(3, 8);
        collector.LastMeasurement!.HasTag("queue", "out").Should().BeTrue();
    }

    [Fact]
    public async Task WaitForObservedValueAsync_GaugeChangesLater_ReturnsTheFirstReadingWhereEverySeriesMatches()
    {
        using var meter = new Meter(_meterName);
        var up = new[] { 1, 0 };
        meter.CreateObservableGauge("links.up", () => new[]
        {
            new Measurement<int>(Volatile.Read(ref up[0]), new KeyValuePair<string, object?>("link", "a")),
            new Measurement<int>(Volatile.Read(ref up[1]), new KeyValuePair<string, object?>("link", "b")),
        });
        using var collector = new MetricCollector<int>(meter, "links.up");
        using var timeout = new CancellationTokenSource(TestTimeout);

        var waiting = collector.WaitForObservedValueAsync(v => v == 1, timeout.Token);
        await collector.WaitForMeasurementsAsync(4, timeout.Token);
        waiting.IsCompleted.Should().BeFalse("link b is still down");
        Volatile.Write(ref up[1], 1);
        var reading = await waiting;

        reading.Select(m => (m.Tags["link"], m.Value)).Should().Equal(("a", 1), ("b", 1));
        collector.Measurements.Should().Contain(m => m.Value == 0, "the readings before stay collected");
    }

    [Fact]
    public async Task WaitForObservedValueAsync_NeverMatches_GivesUpWithTheToken()
    {
        using var meter = new Meter(_meterName);
        meter.CreateObservableGauge("links.up", () => 0);
        using var collector = new MetricCollector<int>(meter, "links.up");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var waiting = () => collector.WaitForObservedValueAsync(v => v == 1, timeout.Token);

        await waiting.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Dispose_Collector_StopsCollecting()
    {
        using var meter = new Meter(_meterName);
        var counter = meter.CreateCounter<long>("count");
        var collector = new MetricCollector<long>(meter, "count");
        counter.Add(1);

        collector.Dispose();
        counter.Add(1);

        collector.Measurements.Should().ContainSingle();
    }

    [Fact]
    public void Constructor_UnsupportedType_Throws()
    {
        var act = () => new MetricCollector<Guid>(_meterName, "count");

        act.Should().Throw<NotSupportedException>();
    }
}
