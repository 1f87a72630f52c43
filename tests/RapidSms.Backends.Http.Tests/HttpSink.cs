using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RapidSms.Tests.Shared;

/// <summary>One request the sink received, as it came off the wire.</summary>
public sealed record SinkRequest(string Method, string Path, string RawQuery, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body)
{
    /// <summary>The query's parameters, UTF-8 decoded by ASP.NET Core.</summary>
    public IQueryCollection Query => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(RawQuery));
}

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that stands in for an SMS gateway or an SMSC:
/// it records every request and answers what <see cref="Respond"/> says.
/// </summary>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<SinkRequest> _requests = Channel.CreateUnbounded<SinkRequest>();
    private int _count;

    private HttpSink(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The sink's base address, such as http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>How many requests arrived.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Decides the answer to each request: status code and body. Defaults to 200 "OK".</summary>
    public Func<SinkRequest, int, (int Status, string Body)> Respond { get; set; } = (_, _) => (200, "OK");

    /// <summary>Headers added to every answer, such as <c>Retry-After</c>.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> ResponseHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A delay before answering (to provoke client timeouts).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<HttpSink> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        HttpSink? sink = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new SinkRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "",
                headers, context.Request.ContentType, body.ToArray());
            var number = Interlocked.Increment(ref sink!._count);
            if (sink.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(sink.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            }

            var (status, text) = sink.Respond(request, number);
            await sink._requests.Writer.WriteAsync(request);
            context.Response.StatusCode = status;
            foreach (var (name, value) in sink.ResponseHeaders)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink = new HttpSink(app, new Uri(address + "/"));
        return sink;
    }

    /// <summary>The next request, in arrival order.</summary>
    public async Task<SinkRequest> NextAsync(CancellationToken cancellationToken) => await _requests.Reader.ReadAsync(cancellationToken);

    /// <summary>A request already received, without waiting, or null.</summary>
    public SinkRequest? TryNext() => _requests.Reader.TryRead(out var request) ? request : null;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
