using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests.Infrastructure;

/// <summary>A host with RapidSms, a <see cref="RecordingApp"/> and one SMPP backend named "smpp".</summary>
public sealed class SmppTestHost : IAsyncDisposable
{
    public const string BackendName = "smpp";

    private SmppTestHost(IHost host, RecordingApp app, ListLoggerProvider logs)
    {
        Host = host;
        App = app;
        Logs = logs;
        Router = host.Services.GetRequiredService<IRouter>();
        Backend = (SmppBackend)Router.GetBackend(BackendName);
    }

    public IHost Host { get; }

    public RecordingApp App { get; }

    public ListLoggerProvider Logs { get; }

    public IRouter Router { get; }

    public SmppBackend Backend { get; }

    public static async Task<SmppTestHost> StartAsync(string host, int port, Action<SmppOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var app = new RecordingApp();
        var logs = new ListLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddRapidSms(rapid => rapid
            .AddApp(app)
            .AddBackend(BackendName, b => b.UseSmpp(o =>
            {
                o.Host = host;
                o.Port = port;
                o.SystemId = "rapidsms";
                o.Password = "secret";
                o.ReconnectDelay = TimeSpan.FromMilliseconds(50);
                o.MaxReconnectDelay = TimeSpan.FromMilliseconds(500);
                o.RequestTimeout = TimeSpan.FromSeconds(5);
                configure?.Invoke(o);
            })));
        services?.Invoke(builder.Services);
        var built = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await built.StartAsync(timeout.Token);
        return new SmppTestHost(built, app, logs);
    }

    public Connection To(string identity) => new(BackendName, identity);

    public async Task WaitForBindAsync(CancellationToken cancellationToken)
    {
        while (!Backend.IsBound)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Host.StopAsync(timeout.Token);
        }
        finally
        {
            if (Host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                Host.Dispose();
            }
        }
    }
}
