namespace RapidSms.Benchmarks;

/// <summary>A backend whose send succeeds at once for every recipient, so only the router is measured.</summary>
public sealed class NullBackend : BackendBase
{
    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        var results = new RecipientResult[identities.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = RecipientResult.Sent(identities[i]);
        }

        return new ValueTask<SendResult>(new SendResult(results));
    }
}
