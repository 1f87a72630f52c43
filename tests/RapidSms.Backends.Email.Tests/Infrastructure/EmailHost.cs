using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Email.Client;
using RapidSms.Testing;

namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>A real generic host with RapidSms, a recording app and an email backend named "email".</summary>
public sealed class EmailHost : IAsyncDisposable
{
    public const string BackendName = "email";

    private EmailHost(IHost host, RecordingApp app, ListLoggerProvider logs)
    {
        Host = host;
        App = app;
        Logs = logs;
    }

    public IHost Host { get; }

    public RecordingApp App { get; }

    public ListLoggerProvider Logs { get; }

    public IRouter Router => Host.Services.GetRequiredService<IRouter>();

    public static async Task<EmailHost> StartAsync(
        MailServers servers, Action<EmailOptions>? configure = null, RecordingApp? app = null, Action<IServiceCollection>? services = null)
    {
        var logs = new ListLoggerProvider();
        app ??= new RecordingApp();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddRapidSms(rapid => rapid
            .ConfigureRouter(o => o.SendRetryDelay = TimeSpan.FromMilliseconds(50))
            .AddApp(app)
            .AddBackend(BackendName, b => b.UseEmail(o =>
            {
                EmailTestOptions.Apply(o, servers);
                configure?.Invoke(o);
            })));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new EmailHost(host, app, logs);
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
            Host.Dispose();
        }
    }

    /// <summary>Opens an IMAP session of the test's own (as <paramref name="user"/>), to look at a mailbox from outside.</summary>
    internal static async Task<ImapClient> OpenMailboxAsync(MailServers servers, string user, CancellationToken cancellationToken)
    {
        var server = new MailServer("127.0.0.1", servers.ImapPort, EmailSecurity.None, user, MailServers.Password, null);
        var client = await ImapClient.ConnectAsync(server, MailServer.ConnectTcpAsync, 64 * 1024 * 1024, null, cancellationToken);
        await client.SelectAsync("INBOX", cancellationToken);
        return client;
    }
}
