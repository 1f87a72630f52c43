using RapidSms.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Apps;

public sealed class AppIsolationTests
{
    private static (RouterFixture Fixture, RecordingApp[] Apps, ListLoggerProvider Logs) Create(int count = 3)
    {
        var journal = new List<string>();
        var apps = Enumerable.Range(1, count).Select(i => new RecordingApp($"app{i}", journal)).ToArray();
        var logs = new ListLoggerProvider();
        var fixture = RouterFixture.Create(
            rapid =>
            {
                foreach (var app in apps)
                {
                    rapid.AddApp(app);
                }

                rapid.AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>());
            },
            services => services.AddLogging(l => l.AddProvider(logs)),
            journal);
        return (fixture, apps, logs);
    }

    [Theory]
    [InlineData("filter")]
    [InlineData("parse")]
    [InlineData("handle")]
    [InlineData("default")]
    [InlineData("cleanup")]
    public async Task AppThrowing_InAnyIncomingPhase_OtherAppsStillRun_AndErrorIsLogged(string phase)
    {
        var (fixture, apps, logs) = Create();
        await using var _ = fixture;
        var boom = new InvalidOperationException("boom");
        switch (phase)
        {
            case "filter": apps[1].OnFilter = _ => throw boom; break;
            case "parse": apps[1].OnParse = _ => throw boom; break;
            case "handle": apps[1].OnHandle = _ => throw boom; break;
            case "default": apps[1].OnDefault = _ => throw boom; break;
            case "cleanup": apps[1].OnCleanup = _ => throw boom; break;
        }

        apps[2].OnDefault = m =>
        {
            m.Respond("default reply");
            return true;
        };

        await fixture.Backend("a").InjectAsync("+256700000001", "hello");

        fixture.Journal.Should().Contain([$"app3.{phase}", "app3.cleanup"]);
        fixture.Backend("a").Calls.Should().ContainSingle().Which.Message.Text.Should().Be("default reply");
        logs.Records.Should().ContainSingle(e => e.EventId.Name == "AppFailed")
            .Which.Should().Match<LogRecord>(
                e => e.Exception == boom && e.Level == LogLevel.Error && e.Message.Contains("app2") && e.Message.Contains(phase));
    }

    [Fact]
    public async Task AppThrowing_InHandle_CountsAsNotHandled()
    {
        var (fixture, apps, _) = Create();
        await using var __ = fixture;
        apps[0].OnHandle = _ => throw new InvalidOperationException("boom");
        apps[1].OnHandle = _ => true;

        var message = await fixture.Backend("a").InjectAsync("+256700000001", "hello");

        message.Handled.Should().BeTrue();
        fixture.Journal.Should().Contain("app2.handle").And.NotContain("app3.handle");
    }

    [Fact]
    public async Task AppThrowing_InOutgoing_DoesNotCancelTheSend()
    {
        var (fixture, apps, logs) = Create();
        await using var _ = fixture;
        apps[2].OnOutgoing = _ => throw new InvalidOperationException("boom");

        var result = await fixture.Router.SendAsync("hi", new Connection("a", "+256700000001"));

        result.Succeeded.Should().BeTrue();
        fixture.Journal.Should().Equal("app3.outgoing", "app2.outgoing", "app1.outgoing");
        logs.Records.Should().Contain(e => e.EventId.Name == "AppFailed" && e.Message.Contains("outgoing"));
    }

    [Fact]
    public async Task AppThrowing_IsCountedInMetrics()
    {
        var (fixture, apps, _) = Create();
        await using var _ = fixture;
        apps[0].OnParse = _ => throw new FormatException("bad");
        var recorded = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RapidSmsTelemetry.Name && instrument.Name == RapidSmsTelemetry.AppErrors)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (recorded)
            {
                recorded.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        listener.Start();

        await fixture.Backend("a").InjectAsync("+256700000001", "hello");

        recorded.Should().ContainSingle(r => Equals(r.Tags[RapidSmsTelemetry.AppTag], "app1"))
            .Which.Tags.Should().Contain(RapidSmsTelemetry.PhaseTag, "parse").And.Contain(RapidSmsTelemetry.ErrorTypeTag, "FormatException");
    }
}
