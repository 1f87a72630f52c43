using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;

// The apps and handlers shown in docs/writing-an-app.md and src/RapidSms/README.md.
namespace MyCompany.Sms;

// <hello-app>
public sealed class HelloApp : AppBase
{
    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (!message.Text.Trim().Equals("hello", StringComparison.OrdinalIgnoreCase))
        {
            return NotHandled; // let the next app try
        }

        message.Respond("Hello to you too!");
        return Handled;
    }
}
// </hello-app>

// <block-list-filter>
public sealed class BlockListFilter(IEnumerable<string> blocked) : AppBase
{
    private readonly HashSet<string> _blocked = new(blocked, StringComparer.Ordinal);

    public override ValueTask<bool> FilterAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (!_blocked.Contains(message.Connection.Identity))
        {
            return ValueTask.FromResult(false); // keep the message
        }

        message.Respond("This number may not use the service. Call the help line to appeal.");
        return ValueTask.FromResult(true); // drop it: no other phase or app sees it, but the reply goes out
    }
}
// </block-list-filter>

// <urgent-apps>
public sealed class UrgentFlagApp : AppBase
{
    public const string Field = "urgent";

    public override ValueTask ParseAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        message.Fields[Field] = message.Text.Contains("urgent", StringComparison.OrdinalIgnoreCase);
        return ValueTask.CompletedTask;
    }
}

public sealed class UrgentAlertApp : AppBase
{
    public static readonly Connection DutyNurse = new("message_tester", "+256700000100");

    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (message.Fields.TryGetValue(UrgentFlagApp.Field, out var urgent) && urgent is true)
        {
            message.Respond("We have alerted the duty nurse.");
            message.Respond($"URGENT from {message.Connection.Identity}: {message.Text}", [DutyNurse]);
            return Handled;
        }

        return NotHandled;
    }
}
// </urgent-apps>

// <handled-counter>
public sealed class HandledCounter : AppBase
{
    private long _handled;
    private long _unhandled;

    public long HandledCount => Interlocked.Read(ref _handled);

    public long UnhandledCount => Interlocked.Read(ref _unhandled);

    public override ValueTask CleanupAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        // Runs for every message no filter dropped, handled or not.
        if (message.Handled)
        {
            Interlocked.Increment(ref _handled);
        }
        else
        {
            Interlocked.Increment(ref _unhandled);
        }

        return ValueTask.CompletedTask;
    }
}
// </handled-counter>

// <quiet-hours>
public sealed class QuietHoursApp(TimeProvider time) : AppBase
{
    public override ValueTask<bool> OutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // Replies always go out. Messages nobody asked for are not sent at night.
        var hour = time.GetLocalNow().Hour;
        var night = hour >= 21 || hour < 7;
        return ValueTask.FromResult(message.InResponseTo is not null || !night);
    }
}
// </quiet-hours>

// <register-handler>
public sealed class RegisterHandler() : KeywordHandler("register", "reg", "join")
{
    public override string HelpText => "To register, send: REGISTER <YOUR NAME>";

    protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken)
    {
        message.Respond($"Thank you for registering, {text}!");
        return ValueTask.CompletedTask;
    }
}
// </register-handler>

// <sum-handler>
public sealed class SumHandler() : PatternHandler(@"^(\d{1,9})\s*(?:\+|plus)\s*(\d{1,9})$")
{
    protected override ValueTask HandleAsync(IncomingMessage message, Match match, CancellationToken cancellationToken)
    {
        var a = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var b = long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        message.Respond($"{a} + {b} = {a + b}");
        return ValueTask.CompletedTask;
    }
}
// </sum-handler>

// <delivery-tracker>
public sealed class DeliveryTracker : IDeliveryReportObserver
{
    private readonly ConcurrentDictionary<string, DeliveryStatus> _latest = new(StringComparer.Ordinal);

    public DeliveryStatus? StatusOf(string messageId) => _latest.TryGetValue(messageId, out var status) ? status : null;

    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        if (report.MessageId is not null)
        {
            _latest[report.MessageId] = report.Status;
        }

        return ValueTask.CompletedTask;
    }
}
// </delivery-tracker>

/// <summary>The registration shown in docs/writing-an-app.md.</summary>
public static class WritingAnAppRegistration
{
    public static void Register(HostApplicationBuilder builder)
    {
        // <registration>
        builder.Services.AddRapidSms(rapid => rapid
            .AddApp(new BlockListFilter(["+256700000666"]))
            .AddApp<UrgentFlagApp>()
            .AddApp<UrgentAlertApp>()
            .AddApp<HelloApp>()
            .AddHandler<RegisterHandler>()
            .AddHandler<SumHandler>()
            .AddHandler<HelpHandler>()
            .AddApp<HandledCounter>()
            .AddApp<QuietHoursApp>()
            .AddDefaultResponse("Sorry, I did not understand. Send HELP for the list of keywords.")
            .AddDeliveryReportObserver<DeliveryTracker>()
            .AddBackend("message_tester", b => b.UseBucket()));
        // </registration>
    }
}

/// <summary>The smaller pieces of docs/writing-an-app.md.</summary>
public static class AppSendingExamples
{
    public static void DefaultResponseFromConfiguration(HostApplicationBuilder builder)
    {
        // <default-response-configuration>
        builder.Services.Configure<DefaultResponseOptions>(builder.Configuration.GetSection("RapidSms:DefaultResponse"));
        // </default-response-configuration>
    }

    public static async Task<SendResult> SendAsync(IRouter router, CancellationToken cancellationToken)
    {
        // <send-without-message>
        var result = await router.SendAsync(
            "Clinic closed tomorrow", new Connection("message_tester", "+256700000001"), cancellationToken);
        // </send-without-message>
        return result;
    }
}
