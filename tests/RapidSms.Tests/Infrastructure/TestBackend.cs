using System.Collections.Concurrent;

namespace RapidSms.Tests.Infrastructure;

public sealed class TestBackendOptions
{
    public string? Greeting { get; set; }

    public int Port { get; set; } = 1234;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public DeliveryStatus Mode { get; set; }

    public IList<string> Channels { get; } = [];

    [System.ComponentModel.DataAnnotations.Range(1, 10)]
    public int Window { get; set; } = 1;
}

/// <summary>A backend whose sends are recorded and whose results a test decides.</summary>
public sealed class TestBackend : BackendBase<TestBackendOptions>
{
    public ConcurrentQueue<(OutgoingMessage Message, IReadOnlyList<string> Identities)> Calls { get; } = new();

    /// <summary>Decides each identity's result; default: sent.</summary>
    public Func<string, int, RecipientResult>? Result { get; set; }

    /// <summary>Thrown from SendAsync when set.</summary>
    public Exception? Throw { get; set; }

    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public new TestBackendOptions Options => base.Options;

    public Func<CancellationToken, Task>? Loop { get; set; }

    public bool Started { get; private set; }

    public bool Stopped { get; private set; }

    public Exception? StartFailure { get; set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (StartFailure is not null)
        {
            throw StartFailure;
        }

        Started = true;
        return Task.CompletedTask;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Stopped = true;
        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Loop?.Invoke(stoppingToken) ?? Task.CompletedTask;

    public ValueTask<IncomingMessage> InjectAsync(string identity, string text, CancellationToken cancellationToken = default) =>
        ReceiveAsync(identity, text, cancellationToken);

    public ValueTask ReportAsync(DeliveryReport report) => ReportDeliveryAsync(report);

    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        Calls.Enqueue((message, identities.ToArray()));
        if (Throw is not null)
        {
            throw Throw;
        }

        return new(new SendResult(identities.Select(i => Result?.Invoke(i, attempt) ?? RecipientResult.Sent(i, $"id-{i}")).ToArray()));
    }
}

/// <summary>A backend with no options.</summary>
public sealed class PlainBackend : BackendBase
{
    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken) =>
        new(SendResult.Success(identities));
}

[BackendEngine("declared-test", Aliases = ["legacy.declared"])]
public sealed class DeclaredBackend : BackendBase<TestBackendOptions>
{
    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken) =>
        new(SendResult.Success(identities));
}
