using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms.Testing;

namespace RapidSms.Backends.Bucket.Tests;

public sealed class BucketBackendTests
{
    private const string Phone1 = "+256700000001";
    private const string Phone2 = "+256700000002";
    private const string Phone3 = "+256700000003";

    private static Connection To(string identity) => new(MessageTester.BackendName, identity);

    [Fact]
    public async Task Sent_MoreThanMaxKept_KeepsNewestAndCountsAll()
    {
        await using var tester = await MessageTester.StartAsync(_ => { }, new MessageTesterOptions { ConfigureBucket = o => o.MaxKept = 3 });

        for (var i = 1; i <= 5; i++)
        {
            await tester.Router.SendAsync($"message {i}", To(Phone1));
        }

        tester.Bucket.Sent.Select(m => m.Text).Should().Equal("message 3", "message 4", "message 5");
        tester.Bucket.SentCount.Should().Be(5);
    }

    [Fact]
    public async Task Received_MoreThanMaxKept_KeepsNewest()
    {
        await using var tester = await MessageTester.StartAsync(_ => { }, new MessageTesterOptions { ConfigureBucket = o => o.MaxKept = 2 });

        foreach (var text in new[] { "a", "b", "c" })
        {
            await tester.Bucket.InjectAsync(Phone1, text);
        }

        tester.Bucket.Received.Select(m => m.Text).Should().Equal("b", "c");
    }

    [Fact]
    public async Task SendAsync_FailIdentities_ReportsPartialFailureNamingFailedIdentities()
    {
        await using var tester = await MessageTester.StartAsync(_ => { }, new MessageTesterOptions { ConfigureBucket = o => o.FailIdentities.Add(Phone2) });
        var message = new OutgoingMessage([To(Phone1), To(Phone2), To(Phone3)], "clinic day moved to Friday");

        var result = await tester.Router.SendOutgoingAsync(message);

        result.Succeeded.Should().BeFalse();
        result.FailedIdentities.Should().Equal(Phone2);
        result.Recipients.Select(r => (r.Identity, r.Succeeded)).Should().Equal((Phone1, true), (Phone2, false), (Phone3, true));
        result.Failures.Should().ContainSingle().Which.Error.Should().Contain(Phone2);
        tester.Bucket.Sent.Select(m => m.Identity).Should().Equal(Phone1, Phone3);
        var error = result.Invoking(r => r.EnsureSuccess(message)).Should().Throw<MessageSendingException>().Which;
        error.FailedIdentities.Should().Equal(Phone2);
    }

    [Fact]
    public async Task SendAsync_Succeeds_GivesEachRecipientAUniqueBackendMessageId()
    {
        await using var tester = await MessageTester.StartAsync(_ => { });

        var result = await tester.Router.SendOutgoingAsync(new OutgoingMessage([To(Phone1), To(Phone2)], "hello"));

        result.Recipients.Select(r => r.BackendMessageId).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        tester.Bucket.Sent.Select(m => m.BackendMessageId).Should().Equal(result.Recipients.Select(r => r.BackendMessageId));
    }

    [Fact]
    public async Task WaitForSentAsync_CountNotReached_CompletesWhenEnoughAreSent()
    {
        await using var tester = await MessageTester.StartAsync(_ => { });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var waiting = tester.Bucket.WaitForSentAsync(2, timeout.Token);
        await tester.Router.SendAsync("one", To(Phone1), timeout.Token);
        waiting.IsCompleted.Should().BeFalse();
        await tester.Router.SendAsync("two", To(Phone1), timeout.Token);

        (await waiting).Select(m => m.Text).Should().Equal("one", "two");
    }

    [Fact]
    public async Task WaitForSentAsync_AlreadySent_CompletesAtOnce()
    {
        await using var tester = await MessageTester.StartAsync(_ => { });
        await tester.Router.SendAsync("one", To(Phone1));

        var waiting = tester.Bucket.WaitForSentAsync(1);

        waiting.IsCompletedSuccessfully.Should().BeTrue();
        (await waiting).Should().ContainSingle();
    }

    [Fact]
    public async Task WaitForSentAsync_Cancelled_Throws()
    {
        await using var tester = await MessageTester.StartAsync(_ => { });
        using var cancel = new CancellationTokenSource();

        var waiting = tester.Bucket.WaitForSentAsync(1, cancel.Token);
        await cancel.CancelAsync();

        await waiting.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task InjectDeliveryReportAsync_SentMessage_ReachesObserverCorrelatedToMessage()
    {
        var observer = new RecordingObserver();
        await using var tester = await MessageTester.StartAsync(rapid => rapid.Services.AddSingleton<IDeliveryReportObserver>(observer));
        var message = new OutgoingMessage(To(Phone1), "your results are ready");
        await tester.Router.SendOutgoingAsync(message);
        var sent = tester.Bucket.Sent.Should().ContainSingle().Subject;
        tester.Time.Advance(TimeSpan.FromMinutes(3));

        await tester.Bucket.InjectDeliveryReportAsync(sent, DeliveryStatus.Delivered);

        var report = observer.Reports.Should().ContainSingle().Subject;
        report.MessageId.Should().Be(message.Id);
        report.BackendMessageId.Should().Be(sent.BackendMessageId);
        report.Backend.Should().Be(MessageTester.BackendName);
        report.Identity.Should().Be(Phone1);
        report.Status.Should().Be(DeliveryStatus.Delivered);
        report.IsFinal.Should().BeTrue();
        report.Timestamp.Should().Be(ManualTimeProvider.DefaultStartTime.AddMinutes(3));
    }

    [Fact]
    public async Task InjectAsync_Message_RecordsItAndReturnsItProcessed()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var incoming = await tester.Bucket.InjectAsync(Phone1, "ping");

        tester.Bucket.Received.Should().ContainSingle().Which.Should().BeSameAs(incoming);
        tester.Bucket.RepliesTo(incoming).Should().ContainSingle().Which.Text.Should().Be("pong");
    }

    [Fact]
    public async Task Clear_AfterTraffic_ForgetsReceivedAndSent()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        await tester.Bucket.InjectAsync(Phone1, "ping");

        tester.Bucket.Clear();

        tester.Bucket.Received.Should().BeEmpty();
        tester.Bucket.Sent.Should().BeEmpty();
        tester.Bucket.SentCount.Should().Be(0);
    }

    [Theory]
    [InlineData("bucket")]
    [InlineData("BUCKET")]
    [InlineData("rapidsms.backends.bucket")]
    [InlineData("rapidsms.backends.bucket.BucketBackend")]
    [InlineData("RapidSms.Backends.Bucket.BucketBackend")]
    public async Task AddBackends_BucketEngineName_CreatesBucketWithOptions(string engine)
    {
        var configuration = Configuration(new()
        {
            ["Backends:sms:Engine"] = engine,
            ["Backends:sms:MaxKept"] = "2",
            ["Backends:sms:FailIdentities:0"] = Phone2,
        });
        await using var host = await StartHostAsync(configuration);
        var router = host.Services.GetRequiredService<IRouter>();
        var bucket = router.GetBackend<BucketBackend>("sms");

        var result = await router.SendOutgoingAsync(new OutgoingMessage([new("sms", Phone1), new("sms", Phone2)], "one"));
        await router.SendAsync("two", new Connection("sms", Phone1));
        await router.SendAsync("three", new Connection("sms", Phone1));

        result.FailedIdentities.Should().Equal(Phone2);
        bucket.Sent.Select(m => m.Text).Should().Equal("two", "three");
    }

    [Fact]
    public async Task AddBackends_UnknownOption_FailsNamingBackendAndKey()
    {
        var configuration = Configuration(new()
        {
            ["Backends:sms:Engine"] = "bucket",
            ["Backends:sms:MaxKep"] = "2",
        });

        var start = () => StartHostAsync(configuration);

        var error = (await start.Should().ThrowAsync<BackendConfigurationException>()).Which;
        error.Backend.Should().Be("sms");
        error.Key.Should().Be("MaxKep");
        error.Message.Should().Contain("MaxKept");
    }

    [Fact]
    public async Task AddBackends_MaxKeptOutOfRange_FailsAtStart()
    {
        var configuration = Configuration(new()
        {
            ["Backends:sms:Engine"] = "bucket",
            ["Backends:sms:MaxKept"] = "0",
        });

        var start = () => StartHostAsync(configuration);

        (await start.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Contain("sms").And.Contain("MaxKept");
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static async Task<StoppingHost> StartHostAsync(IConfiguration configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackends(configuration.GetSection("Backends")));
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StartAsync(timeout.Token);
            return new StoppingHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops the host before disposing it, so <c>await using</c> shuts it down as the application would.</summary>
    private sealed class StoppingHost(IHost inner) : IHost, IAsyncDisposable
    {
        public IServiceProvider Services => inner.Services;

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public void Dispose() => inner.Dispose();

        public async ValueTask DisposeAsync()
        {
            await inner.StopAsync();
            await ((IAsyncDisposable)inner).DisposeAsync();
        }
    }

    private sealed class RecordingObserver : IDeliveryReportObserver
    {
        private readonly List<DeliveryReport> _reports = [];

        public IReadOnlyList<DeliveryReport> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
        {
            lock (_reports)
            {
                _reports.Add(report);
            }

            return ValueTask.CompletedTask;
        }
    }
}
