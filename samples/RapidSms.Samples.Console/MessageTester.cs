using Microsoft.Extensions.Hosting;
using RapidSms.Backends.Bucket;

namespace RapidSms.Samples;

/// <summary>
/// Feeds standard input to the bucket backend and prints the replies. On a terminal it prompts for
/// text as one phone number; with input redirected it reads one <c>IDENTITY: TEXT</c> line per message.
/// When input ends it stops the host, which drains the router and stops the backends.
/// </summary>
internal sealed class MessageTester : BackgroundService
{
    /// <summary>Every line was a message and every message was processed.</summary>
    public const int Success = 0;

    /// <summary>At least one input line was not <c>IDENTITY: TEXT</c>, or a message failed; the others were still sent.</summary>
    public const int InputError = 1;

    /// <summary>The backends are configured wrongly; nothing was sent.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The bucket backend the tester injects messages through.</summary>
    public const string BackendName = "message_tester";

    /// <summary>Who the messages come from until <c>/as</c> says otherwise.</summary>
    public const string DefaultIdentity = "+256700000001";

    private const string Commands = "Commands: /as IDENTITY (send as someone else), /help, /quit (or Ctrl-D).";

    private readonly IRouter _router;
    private readonly IHostApplicationLifetime _lifetime;

    public MessageTester(IRouter router, IHostApplicationLifetime lifetime)
    {
        _router = router;
        _lifetime = lifetime;
    }

    /// <summary>What the process should exit with once the host has stopped.</summary>
    public int ExitCode { get; private set; } = Success;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var bucket = _router.GetBackend<BucketBackend>(BackendName);
            if (Console.IsInputRedirected)
            {
                await RunScriptAsync(bucket, stoppingToken);
            }
            else
            {
                await RunInteractiveAsync(bucket, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the host is already stopping. End the prompt's line.
            if (!Console.IsInputRedirected)
            {
                Console.WriteLine();
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            ExitCode = ex is BackendNotFoundException or InvalidCastException ? ConfigurationError : InputError;
        }
        finally
        {
            // End of input ends the program: the host drains the router, then stops the backends.
            _lifetime.StopApplication();
        }
    }

    private async Task RunScriptAsync(BucketBackend bucket, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        while (await ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (!TryParse(trimmed, out var identity, out var text))
            {
                Console.Error.WriteLine(
                    $"error: line {lineNumber}: expected 'IDENTITY: TEXT' such as '{DefaultIdentity}: ping', got '{trimmed}'; skipped it.");
                ExitCode = InputError;
                continue;
            }

            await SendAsync(bucket, identity, text, cancellationToken);
        }
    }

    private async Task RunInteractiveAsync(BucketBackend bucket, CancellationToken cancellationToken)
    {
        Console.WriteLine($"RapidSms message tester on backend '{bucket.Name}'. Type a message and press Enter.");
        Console.WriteLine(Commands);
        var identity = DefaultIdentity;
        while (true)
        {
            Console.Write($"{identity}> ");
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                Console.WriteLine();
                return;
            }

            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (!trimmed.StartsWith('/'))
            {
                await SendAsync(bucket, identity, trimmed, cancellationToken);
                continue;
            }

            var parts = trimmed.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            switch (parts[0].ToLowerInvariant())
            {
                case "/quit" or "/exit":
                    return;
                case "/as" when parts.Length == 2 && IsIdentity(parts[1]):
                    identity = parts[1];
                    break;
                case "/as":
                    Console.Error.WriteLine("error: /as needs one identity without spaces, such as /as +256700000002");
                    break;
                case "/help":
                    Console.WriteLine(Commands);
                    break;
                default:
                    Console.Error.WriteLine($"error: unknown command '{parts[0]}'. {Commands}");
                    break;
            }
        }
    }

    private static async Task SendAsync(BucketBackend bucket, string identity, string text, CancellationToken cancellationToken)
    {
        // InjectAsync returns once the router has run the apps and sent their replies.
        var message = await bucket.InjectAsync(identity, text, cancellationToken);
        foreach (var reply in bucket.RepliesTo(message))
        {
            Console.WriteLine($"{reply.Identity} < {reply.Text}");
        }
    }

    /// <summary>Splits <c>+256700000001: ping</c> at the first colon.</summary>
    internal static bool TryParse(string line, out string identity, out string text)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        identity = colon > 0 ? line[..colon].Trim() : string.Empty;
        text = colon > 0 ? line[(colon + 1)..].Trim() : string.Empty;
        return IsIdentity(identity);
    }

    private static bool IsIdentity(string value) => value.Length > 0 && !value.Any(char.IsWhiteSpace);

    private static Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        // Console reads cannot be cancelled; stop waiting for one instead, so Ctrl+C exits at once.
        Task.Run(Console.In.ReadLine, cancellationToken).WaitAsync(cancellationToken);
}
