using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;

namespace RapidSms.Tests.Shared;

/// <summary>
/// A real generic host with RapidSms, a recording app and the backends a test registers, on the system clock
/// (HTTP timeouts and router retries run in real time, kept short by the router options below).
/// </summary>
public sealed class RapidSmsTestHost : IAsyncDisposable
{
    private RapidSmsTestHost(IHost host, RecordingApp app, ListLoggerProvider logs)
    {
        Host = host;
        App = app;
        Logs = logs;
    }

    public IHost Host { get; }

    public RecordingApp App { get; }

    public ListLoggerProvider Logs { get; }

    public IRouter Router => Host.Services.GetRequiredService<IRouter>();

    public static async Task<RapidSmsTestHost> StartAsync(
        Action<IRapidSmsBuilder> configure,
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        var logs = new ListLoggerProvider();
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        var app = new RecordingApp();
        builder.Services.AddRapidSms(rapid =>
        {
            rapid.AddApp(app).ConfigureRouter(o => o.SendRetryDelay = TimeSpan.FromMilliseconds(20));
            configure(rapid);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new RapidSmsTestHost(host, app, logs);
    }

    public TBackend Backend<TBackend>(string name)
        where TBackend : BackendBase => Router.GetBackend<TBackend>(name);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.StopAsync(timeout.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }
}

/// <summary>Records incoming messages and delivery reports; answers "echo X" with "X".</summary>
public sealed class RecordingApp : AppBase, IDeliveryReportObserver
{
    private readonly ConcurrentQueue<IncomingMessage> _received = new();
    private readonly ConcurrentQueue<DeliveryReport> _reports = new();
    private readonly SemaphoreSlim _receivedSignal = new(0);
    private readonly SemaphoreSlim _reportSignal = new(0);

    public IReadOnlyList<IncomingMessage> Received => [.. _received];

    public IReadOnlyList<DeliveryReport> Reports => [.. _reports];

    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (message.Text.StartsWith("echo ", StringComparison.Ordinal))
        {
            message.Respond(message.Text["echo ".Length..]);
        }

        _received.Enqueue(message);
        _receivedSignal.Release();
        return Handled;
    }

    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        _reports.Enqueue(report);
        _reportSignal.Release();
        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<IncomingMessage>> WaitForReceivedAsync(int count, CancellationToken cancellationToken)
    {
        while (_received.Count < count)
        {
            await _receivedSignal.WaitAsync(cancellationToken);
        }

        return Received;
    }

    public async Task<IReadOnlyList<DeliveryReport>> WaitForReportsAsync(int count, CancellationToken cancellationToken)
    {
        while (_reports.Count < count)
        {
            await _reportSignal.WaitAsync(cancellationToken);
        }

        return Reports;
    }
}
