using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// The two HTTP ends a gateway backend holds, the same for the HTTP and the Kannel backends: the client its sends go
/// out on (from <see cref="IHttpClientFactory"/>, or one of its own) and its self-hosted webhook listener.
/// </summary>
internal sealed class GatewayLink : IAsyncDisposable
{
    private readonly IHttpClientFactory? _httpClientFactory;
    private readonly string _httpClientName;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ListenerSlot _listener = new();
    private HttpClient? _ownClient;

    /// <summary>Creates the link.</summary>
    /// <param name="httpClientFactory">Creates the client for outgoing requests; without one the link keeps its own.</param>
    /// <param name="httpClientName">The name of the factory's client.</param>
    /// <param name="loggerFactory">Where the self-hosted listener logs.</param>
    public GatewayLink(IHttpClientFactory? httpClientFactory, string httpClientName, ILoggerFactory? loggerFactory)
    {
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>Where the self-hosted listener is reachable, or <see langword="null"/> when there is none.</summary>
    public Uri? ListenAddress => _listener.Address;

    /// <summary>The client for one request: the factory's, else the link's own, or <see langword="null"/> before <see cref="EnsureClient"/>.</summary>
    public HttpClient? Client => _httpClientFactory?.CreateClient(_httpClientName) ?? _ownClient;

    /// <summary>The client for one request, creating the link's own when there is no factory and it has none yet.</summary>
    public HttpClient ClientOrCreate => _httpClientFactory?.CreateClient(_httpClientName) ?? (_ownClient ??= CreateOwnClient());

    /// <summary>Creates the link's own client when there is no factory to create them.</summary>
    public void EnsureClient()
    {
        if (_httpClientFactory is null)
        {
            _ownClient ??= CreateOwnClient();
        }
    }

    /// <summary>Starts the self-hosted listener when <paramref name="listenUrl"/> is set and none runs yet.</summary>
    /// <param name="listenUrl">Where to listen, or <see langword="null"/> for no listener.</param>
    /// <param name="key">The option <paramref name="listenUrl"/> came from, for errors.</param>
    /// <param name="receivePath">The path requests are taken on.</param>
    /// <param name="backend">Handles the requests.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The listener started, or <see langword="null"/>.</returns>
    public Task<WebhookListener?> StartListenerAsync(string? listenUrl, string key, string receivePath, IWebhookBackend backend, CancellationToken cancellationToken)
        => listenUrl is null
            ? Task.FromResult<WebhookListener?>(null)
            : _listener.StartAsync(token => WebhookListener.StartAsync(HttpBackend.ParseListenUrl(listenUrl, key), receivePath, backend, _loggerFactory, token), cancellationToken);

    /// <summary>Stops the self-hosted listener; see <see cref="ListenerSlot.StopAsync"/>.</summary>
    /// <param name="cancellationToken">Ends the wait for requests in progress.</param>
    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _listener.Dispose();
        _ownClient?.Dispose();
        _ownClient = null;
    }

    /// <summary>
    /// Sends to every recipient, one request each, at most <paramref name="maxConcurrentSends"/> at a time; a single
    /// recipient is sent to without the parallel machinery.
    /// </summary>
    /// <param name="identities">The recipients.</param>
    /// <param name="maxConcurrentSends">How many requests may be in flight.</param>
    /// <param name="sendOne">Sends to one recipient; reports failure in its result rather than throwing.</param>
    /// <param name="cancellationToken">Cancels sending.</param>
    public static async ValueTask<SendResult> SendToEachAsync(
        IReadOnlyList<string> identities, int maxConcurrentSends, Func<string, CancellationToken, ValueTask<RecipientResult>> sendOne, CancellationToken cancellationToken)
    {
        var results = new RecipientResult[identities.Count];
        if (identities.Count == 1)
        {
            results[0] = await sendOne(identities[0], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrentSends, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, identities.Count), parallel, async (i, token) =>
                results[i] = await sendOne(identities[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        }

        return new SendResult(results);
    }

    private static HttpClient CreateOwnClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
