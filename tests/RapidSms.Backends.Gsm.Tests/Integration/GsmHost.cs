using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>A real RapidSms host with GSM backends and a recording app.</summary>
internal sealed class GsmHost : IAsyncDisposable
{
    private GsmHost(IHost host, RecordingApp app, ListLoggerProvider logs)
    {
        Host = host;
        App = app;
        Logs = logs;
        Router = host.Services.GetRequiredService<IRouter>();
    }

    public IHost Host { get; }

    public RecordingApp App { get; }

    public ListLoggerProvider Logs { get; }

    public IRouter Router { get; }

    public static async Task<GsmHost> StartAsync(Action<IRapidSmsBuilder> configure, Action<IServiceCollection>? services = null, RecordingApp? app = null)
    {
        app ??= new RecordingApp();
        var logs = new ListLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddRapidSms(rapid =>
        {
            rapid.AddApp(app).ConfigureRouter(o => o.SendRetryDelay = TimeSpan.FromMilliseconds(50));
            configure(rapid);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new GsmHost(host, app, logs);
    }

    public GsmBackend Backend(string name) => (GsmBackend)Router.GetBackend(name);

    /// <summary>Waits until the backend's modem is initialised.</summary>
    public Task WaitReadyAsync(string name, CancellationToken cancellationToken) => Backend(name).WaitUntilReadyAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Host.StopAsync(timeout.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }
}
