using Microsoft.Extensions.Logging;
using RapidSms.Testing;

namespace RapidSms.Testing.Tests;

public sealed class ListLoggerProviderTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Log_StructuredMessage_RecordsEveryPart()
    {
        var time = new ManualTimeProvider();
        var logs = new ListLoggerProvider(time);
        using var factory = logs.CreateLoggerFactory();
        var logger = factory.CreateLogger("RapidSms.Tests.Modem");
        var error = new InvalidOperationException("no carrier");

        logger.Log(LogLevel.Warning, new EventId(42, "ModemSlow"), error, "Modem {Port} answered in {Millis} ms", "/dev/ttyUSB0", 1200);

        var record = logs.Records.Should().ContainSingle().Subject;
        record.Category.Should().Be("RapidSms.Tests.Modem");
        record.Level.Should().Be(LogLevel.Warning);
        record.EventId.Id.Should().Be(42);
        record.EventId.Name.Should().Be("ModemSlow");
        record.Message.Should().Be("Modem /dev/ttyUSB0 answered in 1200 ms");
        record.Exception.Should().BeSameAs(error);
        record.Timestamp.Should().Be(ManualTimeProvider.DefaultStartTime);
        record.GetStateValue("Port").Should().Be("/dev/ttyUSB0");
        record.GetStateValue("Millis").Should().Be(1200);
        record.MessageTemplate.Should().Be("Modem {Port} answered in {Millis} ms");
        record.TryGetStateValue("Missing", out _).Should().BeFalse();
        record.ToString().Should().Contain("[42]").And.Contain("no carrier");
    }

    [Fact]
    public void Log_InsideScopes_RecordsScopesOutermostFirst()
    {
        var logs = new ListLoggerProvider();
        using var factory = logs.CreateLoggerFactory();
        var logger = factory.CreateLogger<ListLoggerProviderTests>();

        using (logger.BeginScope("outer"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["MessageId"] = "m1" }))
        {
            logger.LogInformation("inside");
        }

        logger.LogInformation("outside");

        var records = logs.Records;
        records[0].Scopes.Should().HaveCount(2);
        records[0].Scopes[0].Should().Be("outer");
        records[0].Scopes[1].Should().BeOfType<Dictionary<string, object?>>();
        records[1].Scopes.Should().BeEmpty();
        records[1].Category.Should().Be(typeof(ListLoggerProviderTests).FullName);
    }

    [Fact]
    public void MinimumLevel_Raised_SkipsLowerLevels()
    {
        var logs = new ListLoggerProvider { MinimumLevel = LogLevel.Warning };
        using var factory = logs.CreateLoggerFactory();
        var logger = factory.CreateLogger("Test");

        logger.LogDebug("debug");
        logger.LogInformation("info");
        logger.LogError("error");

        logs.Records.Should().ContainSingle().Which.Message.Should().Be("error");
        logger.IsEnabled(LogLevel.Information).Should().BeFalse();
    }

    [Fact]
    public void Clear_AfterLogging_ForgetsRecords()
    {
        var logs = new ListLoggerProvider();
        var logger = logs.CreateLogger("Test");
        logger.LogInformation("one");

        logs.Clear();

        logs.Records.Should().BeEmpty();
        logs.Count.Should().Be(0);
        logs.LatestRecord.Should().BeNull();
    }

    [Fact]
    public async Task WaitForAsync_MatchingRecordAlreadyLogged_ReturnsIt()
    {
        var logs = new ListLoggerProvider();
        var logger = logs.CreateLogger("Test");
        logger.LogInformation("first");
        logger.LogWarning("second");
        using var timeout = new CancellationTokenSource(TestTimeout);

        var record = await logs.WaitForAsync(r => r.Level == LogLevel.Warning, timeout.Token);

        record.Message.Should().Be("second");
    }

    [Fact]
    public async Task WaitForAsync_RecordLoggedLater_CompletesWhenItArrives()
    {
        var logs = new ListLoggerProvider();
        var logger = logs.CreateLogger("Test");
        using var timeout = new CancellationTokenSource(TestTimeout);

        var waiting = logs.WaitForAsync(r => r.Message == "ready", timeout.Token);
        logger.LogInformation("not yet");
        waiting.IsCompleted.Should().BeFalse();
        await Task.Run(() => logger.LogInformation("ready"));

        (await waiting).Message.Should().Be("ready");
    }

    [Fact]
    public async Task WaitForAsync_NothingMatches_ThrowsWhenCancelled()
    {
        var logs = new ListLoggerProvider();
        using var cancel = new CancellationTokenSource();

        var waiting = logs.WaitForAsync(r => r.Level == LogLevel.Critical, cancel.Token);
        logs.CreateLogger("Test").LogInformation("unrelated");
        await cancel.CancelAsync();

        await waiting.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Log_FromManyThreads_KeepsEveryRecord()
    {
        var logs = new ListLoggerProvider();
        var logger = logs.CreateLogger("Test");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
#pragma warning disable CA1873 // The test wants the arguments logged.
                logger.LogInformation("thread {Thread} entry {Entry}", t, i);
#pragma warning restore CA1873
            }
        })));

        logs.Count.Should().Be(4000);
        logs.Records.Select(r => r.Message).Distinct().Should().HaveCount(4000);
    }

    [Fact]
    public void Dispose_Provider_KeepsRecords()
    {
        var logs = new ListLoggerProvider();
        using (var factory = logs.CreateLoggerFactory())
        {
            factory.CreateLogger("Test").LogInformation("kept");
        }

        logs.Dispose();

        logs.Records.Should().ContainSingle().Which.Message.Should().Be("kept");
    }
}
