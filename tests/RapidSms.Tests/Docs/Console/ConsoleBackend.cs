using RapidSms;

namespace MyCompany.Sms;

/// <summary>Reads "IDENTITY: TEXT" lines from the console and prints replies as "IDENTITY &lt; TEXT".</summary>
public sealed class ConsoleBackend : BackendBase
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Console reads block and ignore cancellation: read on the thread pool, stop waiting at shutdown.
        while (await Task.Run(Console.In.ReadLine, stoppingToken).WaitAsync(stoppingToken) is { } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                await ReceiveAsync(line[..colon].Trim(), line[(colon + 1)..].Trim(), stoppingToken);
            }
        }
    }

    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        foreach (var identity in identities)
        {
            Console.WriteLine($"{identity} < {message.Text}");
        }

        return ValueTask.FromResult(SendResult.Success(identities));
    }
}
