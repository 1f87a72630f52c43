using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>A generic host running RapidSms with a <see cref="ScriptedApp"/> and an IRC backend named "irc".</summary>
public sealed class IrcBotHost : IAsyncDisposable
{
    public const string BackendName = "irc";

    private IrcBotHost(IHost host, ScriptedApp app, ListLoggerProvider logs)
    {
        Host = host;
        App = app;
        Logs = logs;
        Backend = host.Services.GetRequiredService<IRouter>().GetBackend<IrcBackend>(BackendName);
    }

    public IHost Host { get; }

    public ScriptedApp App { get; }

    public ListLoggerProvider Logs { get; }

    public IrcBackend Backend { get; }

    public IRouter Router => Host.Services.GetRequiredService<IRouter>();

    /// <summary>Starts a host whose bot talks to <paramref name="server"/> (plain port) and waits until it is in its channels.</summary>
    public static async Task<IrcBotHost> StartAsync(
        NgircdServer server,
        Action<IrcOptions> configure,
        CancellationToken cancellationToken,
        Action<IServiceCollection>? services = null,
        bool waitUntilConnected = true)
    {
        var app = new ScriptedApp();
        var logs = new ListLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddRapidSms(rapid => rapid
            .AddApp(app)
            .AddBackend(BackendName, b => b.UseIrc(o =>
            {
                o.Server = "127.0.0.1";
                o.Port = server.Port;
                o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
                o.MaxReconnectDelay = TimeSpan.FromSeconds(2);
                o.FloodInterval = TimeSpan.FromMilliseconds(300);
                configure(o);
            })));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            var bot = new IrcBotHost(host, app, logs);
            if (waitUntilConnected)
            {
                await bot.Backend.WaitUntilConnectedAsync(cancellationToken);
            }

            return bot;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
