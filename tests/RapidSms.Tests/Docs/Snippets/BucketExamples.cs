using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Bucket;

namespace MyCompany.Sms;

/// <summary>The code in docs/backends/bucket.md.</summary>
public static class BucketExamples
{
    public static void Register(HostApplicationBuilder builder)
    {
        // <register>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<EchoHandler>()
            .AddBackend("message_tester", b => b.UseBucket())
            .AddBackend("flaky", b => b.UseBucket(o =>
            {
                o.MaxKept = 100;
                o.FailIdentities.Add("+256700000099");
            })));
        // </register>
    }

    public static async Task<SendResult> UseAsync(IRouter router, CancellationToken cancellationToken)
    {
        // <use>
        var bucket = router.GetBackend<BucketBackend>("message_tester");

        // A phone sends a message: returns when the apps are done and the replies sent.
        var incoming = await bucket.InjectAsync("+256700000001", "echo hello", cancellationToken);
        var reply = bucket.RepliesTo(incoming).Single(); // Identity "+256700000001", Text "hello"

        // A message that answers nothing, then everything the bucket has sent so far.
        await router.SendAsync("Reminder: clinic tomorrow", new Connection("message_tester", "+256700000002"), cancellationToken);
        var sent = bucket.Sent; // the reply to +256700000001, then the reminder to +256700000002

        // When another component sends in the background, wait for it with a deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        await bucket.WaitForSentAsync(2, deadline.Token);

        // Pretend the network confirmed delivery of the reply.
        await bucket.InjectDeliveryReportAsync(reply, DeliveryStatus.Delivered, cancellationToken);

        // Partial failure: "flaky" refuses +256700000099 and sends to the others.
        var result = await router.SendAsync(
            "Meeting moved to 3pm",
            [new Connection("flaky", "+256700000001"), new Connection("flaky", "+256700000099")],
            cancellationToken);
        // result.FailedIdentities is ["+256700000099"]
        // </use>
        _ = sent;
        return result;
    }
}
