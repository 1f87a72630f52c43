using Microsoft.Extensions.DependencyInjection;
using MyCompany.Sms;
using RapidSms.Backends.Bucket;

namespace RapidSms.Tests.Docs;

/// <summary>The apps and handlers in docs/writing-an-app.md behave as the page says, registered as it shows.</summary>
public sealed class WritingAnAppTests
{
    private const string Page = "docs/writing-an-app.md";
    private const string Sender = "+256700000001";
    private const string DefaultText = "Sorry, I did not understand. Send HELP for the list of keywords.";

    private static Task<DocsHost> StartAsync(DateTimeOffset? now = null) => DocsHost.StartAsync(builder =>
    {
        // Registered before AddRapidSms, so it replaces the system clock.
        builder.Services.AddSingleton<TimeProvider>(new FixedTimeProvider(now ?? new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero)));
        WritingAnAppRegistration.Register(builder);
    });

    private static async Task<IReadOnlyList<BucketMessage>> SendAsync(DocsHost host, string text, string identity = Sender)
    {
        var bucket = host.Router.GetBackend<BucketBackend>("message_tester");
        return bucket.RepliesTo(await bucket.InjectAsync(identity, text));
    }

    [Fact]
    public async Task Registration_PutsAppsInTheOrderThePageDescribes()
    {
        await using var host = await StartAsync();

        host.Router.Apps.Select(a => a.Name).Should().Equal(
            "BlockListFilter", "UrgentFlagApp", "UrgentAlertApp", "HelloApp", "HandlersApp", "HandledCounter", "QuietHoursApp", "DefaultResponseApp");
    }

    [Fact]
    public async Task Hello_IsAnswered()
    {
        await using var host = await StartAsync();

        (await SendAsync(host, " Hello ")).Select(r => r.Text).Should().Equal("Hello to you too!");
    }

    [Fact]
    public async Task BlockedNumber_GetsTheFilterReplyOnly_AndCleanupNeverSeesIt()
    {
        await using var host = await StartAsync();

        var replies = await SendAsync(host, "hello", "+256700000666");

        replies.Select(r => r.Text).Should().Equal("This number may not use the service. Call the help line to appeal.");
        var counter = host.Router.Apps.OfType<HandledCounter>().Single();
        (counter.HandledCount + counter.UnhandledCount).Should().Be(0);
    }

    [Fact]
    public async Task UrgentMessage_AnswersTheSender_AndAlertsTheDutyNurse()
    {
        await using var host = await StartAsync();

        var replies = await SendAsync(host, "Urgent: no more test kits");

        replies.Select(r => $"{r.Identity} < {r.Text}").Should().Equal(
            $"{Sender} < We have alerted the duty nurse.",
            $"+256700000100 < URGENT from {Sender}: Urgent: no more test kits");
    }

    [Fact]
    public async Task Cleanup_CountsHandledAndUnhandledMessages()
    {
        await using var host = await StartAsync();

        await SendAsync(host, "hello");
        (await SendAsync(host, "blah")).Select(r => r.Text).Should().Equal(DefaultText);

        var counter = host.Router.Apps.OfType<HandledCounter>().Single();
        counter.HandledCount.Should().Be(1);
        counter.UnhandledCount.Should().Be(1, "the default response answered it, but nothing handled it");
    }

    [Theory]
    [InlineData("register Jane", "Thank you for registering, Jane!")]
    [InlineData("REG: Jane", "Thank you for registering, Jane!")]
    [InlineData("  join   Jane Doe ", "Thank you for registering, Jane Doe!")]
    [InlineData("register", "To register, send: REGISTER <YOUR NAME>")]
    [InlineData("help", "Available keywords: REGISTER, HELP. Send HELP <KEYWORD> for more.")]
    [InlineData("help reg", "To register, send: REGISTER <YOUR NAME>")]
    [InlineData("help sum", "Unknown keyword 'sum'. Available keywords: REGISTER, HELP.")]
    public async Task Handlers_AnswerAsThePageTables(string text, string reply)
    {
        await using var host = await StartAsync();

        (await SendAsync(host, text)).Select(r => r.Text).Should().Equal(reply);
        MarkdownDocument.Read(Page).Should().Contain($"| `{text}` | \"{reply}\" |");
    }

    [Theory]
    [InlineData("registration")]
    [InlineData("what is 1+2?")]
    public async Task Handlers_LeaveOthersToTheDefaultResponse(string text)
    {
        await using var host = await StartAsync();

        (await SendAsync(host, text)).Select(r => r.Text).Should().Equal(DefaultText);
    }

    [Theory]
    [InlineData("2 plus 3", "2 + 3 = 5")]
    [InlineData(" 40+2 ", "40 + 2 = 42")]
    public async Task SumHandler_Adds(string text, string reply)
    {
        await using var host = await StartAsync();

        (await SendAsync(host, text)).Select(r => r.Text).Should().Equal(reply);
    }

    [Fact]
    public async Task QuietHours_AtNight_CancelsBroadcastsButNotReplies()
    {
        await using var host = await StartAsync(new DateTimeOffset(2025, 3, 4, 23, 0, 0, TimeSpan.Zero));

        var broadcast = await AppSendingExamples.SendAsync(host.Router, CancellationToken.None);

        broadcast.IsCancelled.Should().BeTrue();
        (await SendAsync(host, "hello")).Select(r => r.Text).Should().Equal("Hello to you too!");
    }

    [Fact]
    public async Task QuietHours_ByDay_LetsBroadcastsThrough()
    {
        await using var host = await StartAsync();

        var broadcast = await AppSendingExamples.SendAsync(host.Router, CancellationToken.None);

        broadcast.Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task DeliveryTracker_RecordsTheReportedStatus()
    {
        await using var host = await StartAsync();
        var bucket = host.Router.GetBackend<BucketBackend>("message_tester");
        var reply = (await SendAsync(host, "hello")).Single();

        await bucket.InjectDeliveryReportAsync(reply, DeliveryStatus.Delivered);

        var tracker = host.Services.GetServices<IDeliveryReportObserver>().OfType<DeliveryTracker>().Single();
        tracker.StatusOf(reply.Message.Id).Should().Be(DeliveryStatus.Delivered);
    }

    [Fact]
    public async Task DefaultResponse_FromConfiguration_ReplacesTheText()
    {
        const string json = """{ "RapidSms": { "DefaultResponse": { "Text": "Try HELP." } } }""";
        await using var host = await DocsHost.StartAsync(
            builder =>
            {
                AppSendingExamples.DefaultResponseFromConfiguration(builder);
                builder.Services.AddRapidSms(rapid => rapid.AddDefaultResponse().AddBackend("message_tester", b => b.UseBucket()));
            },
            json);

        (await SendAsync(host, "blah")).Select(r => r.Text).Should().Equal("Try HELP.");
    }

    [Fact]
    public void Page_StatesTheDefaultResponseText()
    {
        MarkdownDocument.Read(Page).Should().Contain($"\"{new DefaultResponseOptions().Text}\"");
    }
}
