using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MyCompany.Sms;
using RapidSms.Backends.Bucket;

namespace RapidSms.Tests.Docs;

/// <summary>docs/backends/bucket.md and the bucket package README: their code runs and says what happens.</summary>
public sealed class BucketTests
{
    private const string Page = "docs/backends/bucket.md";

    [Fact]
    public async Task PageExample_InjectsRepliesWaitsReportsAndFailsPartially()
    {
        var reports = new List<DeliveryReport>();
        await using var host = await DocsHost.StartAsync(builder =>
        {
            BucketExamples.Register(builder);
            builder.Services.AddSingleton<IDeliveryReportObserver>(new ReportRecorder(reports));
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await BucketExamples.UseAsync(host.Router, timeout.Token);

        var bucket = host.Router.GetBackend<BucketBackend>("message_tester");
        bucket.Sent.Select(m => $"{m.Identity} < {m.Text}").Should().Equal(
            "+256700000001 < hello", "+256700000002 < Reminder: clinic tomorrow");
        bucket.Sent.Select(m => m.BackendMessageId).Should().Equal("bucket-1", "bucket-2");
        reports.Should().ContainSingle().Which.Status.Should().Be(DeliveryStatus.Delivered);
        reports[0].MessageId.Should().Be(bucket.Sent[0].Message.Id);
        result.FailedIdentities.Should().Equal("+256700000099");
        host.Router.GetBackend<BucketBackend>("flaky").Sent.Select(m => m.Identity).Should().Equal("+256700000001");
    }

    [Fact]
    public async Task FailIdentities_FailWithTheErrorThePageQuotes()
    {
        await using var host = await DocsHost.StartAsync(BucketExamples.Register);

        var result = await host.Router.SendAsync("hi", new Connection("flaky", "+256700000099"));

        var failure = result.Failures.Single();
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Be("The bucket is configured to fail sending to +256700000099.");
        MarkdownDocument.Read(Page).Should().Contain("\"The bucket is configured to fail sending to IDENTITY.\"");
    }

    [Fact]
    public async Task MaxKept_ForgetsTheOldest_ButSentCountKeepsCounting()
    {
        await using var host = await DocsHost.StartAsync(BucketExamples.Register);
        var flaky = host.Router.GetBackend<BucketBackend>("flaky");

        for (var i = 0; i < 105; i++)
        {
            await host.Router.SendAsync($"n{i}", new Connection("flaky", "+256700000001"));
        }

        flaky.Sent.Should().HaveCount(100);
        flaky.Sent[0].Text.Should().Be("n5");
        flaky.SentCount.Should().Be(105);
        flaky.Clear();
        (flaky.Sent.Count, flaky.SentCount).Should().Be((0, 0L));
    }

    [Fact]
    public async Task PageJson_ConfiguresTheSameTwoBackends()
    {
        await using var host = await DocsHost.StartAsync(builder =>
        {
            builder.Configuration.AddJsonFile(Path.Combine(MarkdownDocument.RepositoryRoot, "tests/RapidSms.Tests/Docs/Snippets/bucket.appsettings.json"));
            ConfigurationExamples.FromConfiguration(builder);
        });

        var options = host.Services.GetRequiredService<IOptionsMonitor<BucketOptions>>().Get("flaky");
        options.MaxKept.Should().Be(100);
        options.FailIdentities.Should().Equal("+256700000099");
        host.Router.GetBackend("message_tester").Should().BeOfType<BucketBackend>();
    }

    [Fact]
    public void OptionsTable_StatesTheDefaults()
    {
        var defaults = new BucketOptions();

        MarkdownDocument.Read(Page).Should().Contain($"| `MaxKept` | {defaults.MaxKept.ToString("N0", CultureInfo.InvariantCulture)} |");
        defaults.FailIdentities.Should().BeEmpty();
        MarkdownDocument.Read(Page).Should().Contain("| `FailIdentities` | none |");
    }

    [Fact]
    public async Task PackageReadme_RegisterAndInject_GetPong()
    {
        await using var host = await DocsHost.StartAsync(PackageReadmeExamples.RegisterBucket);

        var replies = await PackageReadmeExamples.TalkAsync(host.Services, CancellationToken.None);

        replies.Select(r => $"{r.Identity} < {r.Text}").Should().Equal("+256700000001 < pong");
        host.Services.GetRequiredService<IOptionsMonitor<BucketOptions>>().Get("message_tester").MaxKept.Should().Be(1_000);
    }

    private sealed class ReportRecorder(List<DeliveryReport> reports) : IDeliveryReportObserver
    {
        public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
        {
            lock (reports)
            {
                reports.Add(report);
            }

            return ValueTask.CompletedTask;
        }
    }
}
