using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RapidSms.Benchmarks;

/// <summary>
/// The router's cost per message with three no-op apps and a backend whose send does nothing,
/// registered the way a host does it (<c>AddRapidSms</c>, logging and metrics without listeners).
/// </summary>
/// <remarks>
/// <para>Every benchmark creates its message, as a backend does for each message it receives. The
/// baseline calls the three apps' phases directly on such a message: the ratio column is what
/// routing adds on top of the apps themselves.</para>
/// <para>Messages the benchmarks create carry a given id, so the figures show the router rather
/// than id generation; <see cref="NewIncomingMessage_GeneratedId"/> shows what a generated id
/// costs (replies the router sends always get one).</para>
/// </remarks>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    /// <summary>Messages per invocation of <see cref="ReceiveIncoming_Concurrent"/>.</summary>
    public const int ConcurrentMessages = 1024;

    /// <summary>Tasks feeding the router at once, like the receive loops of several backends.</summary>
    public const int Producers = 16;

    private const string BackendName = "null";
    private const string MessageId = "0123456789abcdef0123456789abcdef";

    private readonly DateTimeOffset _receivedAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private ServiceProvider _services = null!;
    private IHostedService[] _hostedServices = [];
    private IRouter _router = null!;
    private IApp[] _apps = [];
    private Connection _sender = null!;
    private Connection[] _tenRecipients = [];
    private Connection[] _concurrentSenders = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddRapidSms(rapid => rapid
            .AddApp<FirstNoOpApp>()
            .AddApp<SecondNoOpApp>()
            .AddApp<PongApp>()
            .AddBackend(BackendName, b => b.Use<NullBackend>()));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        _hostedServices = _services.GetServices<IHostedService>().ToArray();
        foreach (var hosted in _hostedServices)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        _router = _services.GetRequiredService<IRouter>();
        _apps = [.. _router.Apps];
        _sender = new Connection(BackendName, "+256700000001");
        _tenRecipients = Enumerable.Range(0, 10).Select(i => new Connection(BackendName, $"+2567000001{i:00}")).ToArray();
        _concurrentSenders = Enumerable.Range(0, ConcurrentMessages).Select(i => new Connection(BackendName, $"+25671{i:0000000}")).ToArray();

        // Fail here, not in a figure, if the wiring is wrong.
        var probe = new IncomingMessage(_sender, "ping", _receivedAt);
        await _router.ReceiveIncomingAsync(probe);
        if (probe.Responses.Count != 1 || _apps.Length != 3)
        {
            throw new InvalidOperationException("The benchmark router is not wired as expected.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var hosted in _hostedServices.Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "Apps' phases called directly (no router)")]
    public async Task<bool> DirectAppPhases()
    {
        var message = new IncomingMessage(_sender, "hello", _receivedAt, MessageId);
        var cancellationToken = CancellationToken.None;
        foreach (var app in _apps)
        {
            if (await app.FilterAsync(message, cancellationToken))
            {
                return false;
            }
        }

        foreach (var app in _apps)
        {
            await app.ParseAsync(message, cancellationToken);
        }

        foreach (var app in _apps)
        {
            if (await app.HandleAsync(message, cancellationToken))
            {
                message.Handled = true;
                break;
            }
        }

        if (!message.Handled)
        {
            foreach (var app in _apps)
            {
                if (await app.DefaultAsync(message, cancellationToken))
                {
                    break;
                }
            }
        }

        foreach (var app in _apps)
        {
            await app.CleanupAsync(message, cancellationToken);
        }

        return message.Handled;
    }

    [Benchmark(Description = "new IncomingMessage, generated id")]
    public IncomingMessage NewIncomingMessage_GeneratedId() => new(_sender, "hello", _receivedAt);

    [Benchmark(Description = "ReceiveIncomingAsync, no reply")]
    public ValueTask ReceiveIncoming_NoReply() =>
        _router.ReceiveIncomingAsync(new IncomingMessage(_sender, "hello", _receivedAt, MessageId));

    [Benchmark(Description = "ReceiveIncomingAsync, one reply sent")]
    public ValueTask ReceiveIncoming_WithReply() =>
        _router.ReceiveIncomingAsync(new IncomingMessage(_sender, "ping", _receivedAt, MessageId));

    [Benchmark(Description = "SendOutgoingAsync, 1 connection")]
    public ValueTask<SendResult> SendOutgoing_OneConnection() =>
        _router.SendOutgoingAsync(new OutgoingMessage([_sender], "hello", inResponseTo: null, MessageId));

    [Benchmark(Description = "SendOutgoingAsync, 10 connections")]
    public ValueTask<SendResult> SendOutgoing_TenConnections() =>
        _router.SendOutgoingAsync(new OutgoingMessage(_tenRecipients, "hello", inResponseTo: null, MessageId));

    /// <summary>
    /// <see cref="ConcurrentMessages"/> messages, each from its own connection, fed by
    /// <see cref="Producers"/> tasks at once through the concurrency limiter; figures are per message.
    /// </summary>
    [Benchmark(Description = "ReceiveIncomingAsync, 16 producers at once", OperationsPerInvoke = ConcurrentMessages)]
    public Task ReceiveIncoming_Concurrent()
    {
        var producers = new Task[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var first = p * (ConcurrentMessages / Producers);
            producers[p] = Task.Run(async () =>
            {
                for (var i = first; i < first + (ConcurrentMessages / Producers); i++)
                {
                    await _router.ReceiveIncomingAsync(new IncomingMessage(_concurrentSenders[i], "hello", _receivedAt, MessageId));
                }
            });
        }

        return Task.WhenAll(producers);
    }
}
