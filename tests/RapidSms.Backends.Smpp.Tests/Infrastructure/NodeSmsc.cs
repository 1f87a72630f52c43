using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests.Infrastructure;

/// <summary>
/// The node `smpp` package's server (tests/peers/smpp/server.js) on a free loopback port: its events are read
/// from its output, commands go to its control port. The process is killed by id on dispose.
/// </summary>
public sealed class NodeSmsc : IAsyncDisposable
{
    public const string Install = "cd tests/peers/smpp && npm ci";
    public const string Modules = "tests/peers/smpp/node_modules/smpp";

    private readonly PeerProcess _process;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _gate = new();
    private readonly List<(Func<IReadOnlyList<JsonElement>, bool> Ready, TaskCompletionSource Signal)> _waiters = [];
    private readonly ConcurrentDictionary<int, TaskCompletionSource<int>> _answers = new();
    private TcpClient? _control;
    private StreamWriter? _writer;
    private int _nextId;

    private NodeSmsc(PeerProcess process)
    {
        _process = process;
        _process.LineReceived += OnLine;
    }

    public int Port { get; private set; }

    public string Output => _process.DescribeOutput();

    public static async Task<NodeSmsc> StartAsync(params string[] flags)
    {
        var node = Peers.Require("node", Install);
        var directory = Path.Combine(Peers.RepositoryRoot, "tests", "peers", "smpp");
        var process = PeerProcess.Start(node, ["server.js", "--port", "0", .. flags], directory);
        var smsc = new NodeSmsc(process);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var listening = await smsc.WaitForEventAsync("listening", 1, timeout.Token);
            smsc.Port = listening[0].GetProperty("port").GetInt32();
            smsc._control = new TcpClient();
            await smsc._control.ConnectAsync("127.0.0.1", listening[0].GetProperty("control").GetInt32(), timeout.Token);
            smsc._writer = new StreamWriter(smsc._control.GetStream(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            return smsc;
        }
        catch (OperationCanceledException)
        {
            var output = smsc.Output;
            await smsc.DisposeAsync();
            throw new TimeoutException($"The node SMPP server did not start.{output}");
        }
        catch
        {
            await smsc.DisposeAsync();
            throw;
        }
    }

    public IReadOnlyList<JsonElement> Events(string name)
    {
        lock (_gate)
        {
            return _events.Where(e => e.GetProperty("event").GetString() == name).ToList();
        }
    }

    public Task<IReadOnlyList<JsonElement>> WaitForEventAsync(string name, int count, CancellationToken cancellationToken) =>
        WaitAsync(all => all.Count(e => e.GetProperty("event").GetString() == name) >= count, cancellationToken)
            .ContinueWith(t => { t.GetAwaiter().GetResult(); return Events(name); }, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Acknowledged submit_sm events (the server answered ESME_ROK).</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForSubmitsAsync(int count, CancellationToken cancellationToken)
    {
        await WaitAsync(all => all.Count(IsAckedSubmit) >= count, cancellationToken);
        lock (_gate)
        {
            return _events.Where(IsAckedSubmit).ToList();
        }
    }

    public async Task<int> DeliverAsync(string from, string text, CancellationToken cancellationToken, string? udhHex = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        return await CommandAsync(id, new { cmd = "deliver", id, from, to = "8888", text, udh = udhHex }, cancellationToken);
    }

    public async Task<int> ReceiptAsync(string messageId, string to, string stat, bool tlv, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        return await CommandAsync(id, new { cmd = "receipt", id, message_id = messageId, to, stat, tlv }, cancellationToken);
    }

    public Task SendAsync(object command) => _writer!.WriteLineAsync(JsonSerializer.Serialize(command));

    public async ValueTask DisposeAsync()
    {
        _process.LineReceived -= OnLine;
        _control?.Dispose();
        await _process.DisposeAsync();
    }

    private static bool IsAckedSubmit(JsonElement e) =>
        e.GetProperty("event").GetString() == "submit_sm" && e.GetProperty("acked").GetBoolean();

    private async Task<int> CommandAsync(int id, object command, CancellationToken cancellationToken)
    {
        var answer = _answers.GetOrAdd(id, _ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        await SendAsync(command);
        return await answer.Task.WaitAsync(cancellationToken);
    }

    private async Task WaitAsync(Func<IReadOnlyList<JsonElement>, bool> ready, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (ready(_events))
            {
                return;
            }

            _waiters.Add((ready, signal));
        }

        try
        {
            await signal.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The node SMPP server did not report what the test waited for.{Output}");
        }
    }

    private void OnLine(string line)
    {
        if (!line.StartsWith('{'))
        {
            return;
        }

        JsonElement element;
        try
        {
            element = JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        if (element.GetProperty("event").GetString() == "deliver_sm_resp")
        {
            var id = element.GetProperty("id").GetInt32();
            _answers.GetOrAdd(id, _ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(element.GetProperty("status").GetInt32());
        }

        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            _events.Add(element);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Ready(_events))
                {
                    ready.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready.ForEach(s => s.TrySetResult());
    }
}
