using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using MyCompany.Sms;
using RapidSms.Backends.Bucket;

namespace RapidSms.Tests.Docs;

/// <summary>docs/telemetry.md lists every name, unit and event the code publishes.</summary>
public sealed class TelemetryTests
{
    private const string Page = "docs/telemetry.md";

    private static string[] PageLines() => MarkdownDocument.Read(Page).Split('\n');

    [Fact]
    public void Page_NamesEveryTelemetryConstant()
    {
        var page = MarkdownDocument.Read(Page);
        var constants = typeof(RapidSmsTelemetry).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        foreach (var value in constants)
        {
            page.Should().Contain($"`{value}`");
        }
    }

    [Fact]
    public async Task Page_GivesEachInstrumentItsTypeAndUnit()
    {
        var published = new Dictionary<string, Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == RapidSmsTelemetry.Name)
                {
                    lock (published)
                    {
                        published[instrument.Name] = instrument;
                    }
                }
            },
        };
        listener.Start();
        await using (await DocsHost.StartAsync(rapid => rapid.AddBackend("message_tester", b => b.UseBucket())))
        {
        }

        published.Keys.Should().BeEquivalentTo(
            typeof(RapidSmsTelemetry).GetFields().Where(f => f.Name != nameof(RapidSmsTelemetry.Name) && !f.Name.EndsWith("Tag", StringComparison.Ordinal) && !f.Name.EndsWith("Activity", StringComparison.Ordinal))
                .Select(f => (string)f.GetRawConstantValue()!));
        foreach (var instrument in published.Values)
        {
            var kind = instrument.GetType().Name.Split('`')[0];
            var row = PageLines().Single(l => l.StartsWith($"| `{instrument.Name}` |", StringComparison.Ordinal));
            row.Should().Contain($"| {kind} | `{instrument.Unit}` |");
        }
    }

    [Fact]
    public async Task MeterListenerSnippet_SeesMessagesReceivedAndSent()
    {
        var counts = new List<string>();
        using var listener = TelemetryExamples.Listen((name, value) =>
        {
            lock (counts)
            {
                counts.Add(name);
            }
        });
        await using var host = await DocsHost.StartAsync(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("message_tester", b => b.UseBucket()));

        await host.Router.GetBackend<BucketBackend>("message_tester").InjectAsync("+256700000001", "ping");

        lock (counts)
        {
            counts.Should().Contain([RapidSmsTelemetry.MessagesReceived, RapidSmsTelemetry.MessagesSent]);
        }
    }

    [Fact]
    public async Task ReplySendActivity_IsAChildOfTheReceiveActivity()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RapidSmsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await DocsHost.StartAsync(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("tracing_test", b => b.UseBucket()));

        var message = await host.Router.GetBackend<BucketBackend>("tracing_test").InjectAsync("+256700000001", "ping");

        Activity receive, send;
        lock (stopped)
        {
            receive = stopped.Single(a => a.OperationName == RapidSmsTelemetry.ReceiveActivity && (string?)a.GetTagItem(RapidSmsTelemetry.MessageIdTag) == message.Id);
            send = stopped.Single(a => a.OperationName == RapidSmsTelemetry.SendActivity && a.ParentSpanId == receive.SpanId);
        }

        receive.Kind.Should().Be(ActivityKind.Consumer);
        receive.GetTagItem(RapidSmsTelemetry.BackendTag).Should().Be("tracing_test");
        send.Kind.Should().Be(ActivityKind.Producer);
        send.GetTagItem(RapidSmsTelemetry.MessageIdTag).Should().Be(message.Responses.Single().Id);
    }

    [Fact]
    public void Page_ListsEveryLogEventWithItsIdNameAndLevel()
    {
        var log = typeof(RapidSmsTelemetry).Assembly.GetType("RapidSms.Log", throwOnError: true)!;
        var events = log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Concat(typeof(MessageLogApp).GetMethods(BindingFlags.NonPublic | BindingFlags.Static))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();

        events.Should().NotBeEmpty();
        var page = MarkdownDocument.Read(Page);
        foreach (var e in events)
        {
            page.Should().Contain($"| {e.EventId} | {e.EventName} | {e.Level} |");
            page.Should().Contain($"| {e.Message} |");
        }
    }
}
