using System.Net.Http.Json;
using RapidSms.Backends.Http;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

/// <summary>
/// The outside world of the HTTP backend in the contract suite: a real HTTP gateway (a Kestrel sink that records
/// what the backend sends) and a phone that posts webhooks to the backend's own listener.
/// </summary>
public sealed class HttpGatewayPeer : IBackendTestPeer
{
    private readonly HttpClient _client = new();
    private Uri? _webhook;

    private HttpGatewayPeer(HttpSink sink) => Sink = sink;

    public HttpSink Sink { get; }

    public Uri Webhook => _webhook ?? throw new InvalidOperationException("Not attached.");

    public static async ValueTask<HttpGatewayPeer> StartAsync() => new(await HttpSink.StartAsync());

    /// <summary>Points the backend at the sink: JSON POST with "to" and "text", self-hosted webhook on a free port.</summary>
    public void Configure(HttpOptions options)
    {
        options.ListenUrl = "http://127.0.0.1:0";
        options.ReceivePath = "/sms";
        options.SendSmsUrl = new Uri(Sink.Address, "send").ToString();
        options.SendSmsMethod = HttpSendMethod.Post;
        options.SendSmsFormat = HttpSendFormat.Json;
        options.SendSmsParams["to"] = "{identity}";
        options.SendSmsParams["text"] = "{text}";
        options.SendSmsParams["ref"] = "{id}";
    }

    public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken)
    {
        _webhook = ((HttpBackend)backend).ListenAddress ?? throw new InvalidOperationException("The backend has no listener.");
        return ValueTask.CompletedTask;
    }

    public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsync(Webhook, new FormUrlEncodedContent([new("phone", identity), new("message", text)]), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
    {
        var request = await Sink.NextAsync(cancellationToken);
        using var json = System.Text.Json.JsonDocument.Parse(request.Body);
        return new PeerMessage(json.RootElement.GetProperty("to").GetString()!, json.RootElement.GetProperty("text").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Sink.DisposeAsync();
    }
}

public sealed class HttpBackendContractTests : BackendContractTests
{
    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => await HttpGatewayPeer.StartAsync();

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseHttp(((HttpGatewayPeer)peer).Configure);
}
