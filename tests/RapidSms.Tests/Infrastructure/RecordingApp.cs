namespace RapidSms.Tests.Infrastructure;

/// <summary>An app whose every phase is a delegate and which writes what ran into a shared journal.</summary>
public class RecordingApp : AppBase
{
    private readonly string _name;

    public RecordingApp(string name, List<string> journal)
    {
        _name = name;
        Journal = journal;
    }

    public List<string> Journal { get; }

    public override string Name => _name;

    public Func<IncomingMessage, bool>? OnFilter { get; set; }

    public Action<IncomingMessage>? OnParse { get; set; }

    public Func<IncomingMessage, bool>? OnHandle { get; set; }

    public Func<IncomingMessage, bool>? OnDefault { get; set; }

    public Action<IncomingMessage>? OnCleanup { get; set; }

    public Func<OutgoingMessage, bool>? OnOutgoing { get; set; }

    public override ValueTask<bool> FilterAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        Record("filter");
        return new(OnFilter?.Invoke(message) ?? false);
    }

    public override ValueTask ParseAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        Record("parse");
        OnParse?.Invoke(message);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        Record("handle");
        return new(OnHandle?.Invoke(message) ?? false);
    }

    public override ValueTask<bool> DefaultAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        Record("default");
        return new(OnDefault?.Invoke(message) ?? false);
    }

    public override ValueTask CleanupAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        Record("cleanup");
        OnCleanup?.Invoke(message);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<bool> OutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        Record("outgoing");
        return new(OnOutgoing?.Invoke(message) ?? true);
    }

    private void Record(string phase)
    {
        lock (Journal)
        {
            Journal.Add($"{_name}.{phase}");
        }
    }
}
