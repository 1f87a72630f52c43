using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using RapidSms.Backends.Http.Hosting;

namespace RapidSms.Backends.Http;

/// <summary>
/// A small Kestrel server of a backend's own that hands every request on one path to an
/// <see cref="IWebhookBackend"/>: the way to receive webhooks in a console or worker host that is not an
/// ASP.NET Core application. Backends with a <c>ListenUrl</c> option start one in <c>StartAsync</c>.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private WebhookListener(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address the listener is bound to, with the port it got when port 0 was asked for.</summary>
    public Uri Address { get; }

    /// <summary>Starts listening on <paramref name="listenUrl"/> and routes requests on <paramref name="path"/> to <paramref name="backend"/>.</summary>
    /// <param name="listenUrl">An <c>http://</c> URL with an IP address or host name and a port; port 0 picks a free port.</param>
    /// <param name="path">The path to answer on (other paths get 404), such as <c>/</c> or <c>/sms</c>.</param>
    /// <param name="backend">The backend that handles the requests.</param>
    /// <param name="loggerFactory">Where Kestrel logs; <see langword="null"/> for nowhere.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The started listener.</returns>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public static async Task<WebhookListener> StartAsync(
        Uri listenUrl,
        string path,
        IWebhookBackend backend,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listenUrl);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(backend);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(new QuietLoggerFactory(loggerFactory ?? NullLoggerFactory.Instance));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, ListenerLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;

            // GET webhooks carry the message in the URL: let the backend's own size limit (413) decide, not Kestrel's 8 KiB.
            options.Limits.MaxRequestLineSize = Math.Max(options.Limits.MaxRequestLineSize, 80 * 1024);
        });
        builder.WebHost.UseUrls(listenUrl.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();

        var expected = NormalizePath(path);
        app.Run(context =>
        {
            if (!string.Equals(NormalizePath(context.Request.Path.Value), expected, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return backend.HandleWebhookAsync(context);
        });

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var address = bound is null ? listenUrl : new Uri(bound);
        return new WebhookListener(app, new UriBuilder(address) { Path = expected }.Uri);
    }

    /// <summary>Stops accepting requests and lets those in progress finish.</summary>
    /// <param name="cancellationToken">Ends the wait for requests in progress.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>"/sms/" and "sms" mean "/sms"; an empty path means "/".</summary>
    internal static string NormalizePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "/")
        {
            return "/";
        }

        var trimmed = path.TrimEnd('/');
        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
