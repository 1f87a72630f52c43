using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Http;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

/// <summary>The webhook against real HTTP requests to the backend's own Kestrel listener.</summary>
public sealed class HttpInboundTests : IAsyncLifetime
{
    private const string Unicode = "Habari! Ça va très bien, merci. مرحبا 👋";
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private RapidSmsTestHost? _host;
    private Uri? _webhook;

    private RapidSmsTestHost Host => _host!;

    private Uri Webhook => _webhook!;

    public async Task InitializeAsync() => await StartAsync(_ => { });

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _timeout.Dispose();
    }

    [Fact]
    public async Task Get_QueryParameters_ReachAppAndAnswer200AfterRouterHasIt()
    {
        var response = await _client.GetAsync(Webhook + "?phone=%2B256700000001&message=" + Uri.EscapeDataString(Unicode), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("OK");

        // 200 means the router has already run the apps: no waiting needed.
        var message = Host.App.Received.Should().ContainSingle().Subject;
        message.Connection.Should().Be(new Connection("gw", "+256700000001"));
        message.Text.Should().Be(Unicode);
    }

    [Fact]
    public async Task PostForm_Parameters_ReachApp()
    {
        var response = await _client.PostAsync(Webhook, new FormUrlEncodedContent([new("phone", "+256700000002"), new("message", Unicode)]), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Host.App.Received.Should().ContainSingle().Which.Text.Should().Be(Unicode);
    }

    [Fact]
    public async Task PostJson_Properties_ReachApp()
    {
        var json = new StringContent("{\"phone\":\"+256700000003\",\"message\":\"" + Unicode + "\"}", Encoding.UTF8, "application/json");

        var response = await _client.PostAsync(Webhook, json, _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var message = Host.App.Received.Should().ContainSingle().Subject;
        message.Connection.Identity.Should().Be("+256700000003");
        message.Text.Should().Be(Unicode);
    }

    [Fact]
    public async Task PostJson_NestedPathsAndNumbers_ReachApp()
    {
        await RestartAsync(o =>
        {
            o.IdentityParameter = "data.from";
            o.TextParameter = "data.body";
        });
        var json = new StringContent("{\"data\":{\"from\":256700000004,\"body\":\"hi\"}}", Encoding.UTF8, "application/json");

        var response = await _client.PostAsync(Webhook, json, _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Host.App.Received.Should().ContainSingle().Which.Connection.Identity.Should().Be("256700000004");
    }

    [Theory]
    [InlineData("?message=hi", "Missing parameter 'phone'.")]
    [InlineData("?phone=%2B256700000001", "Missing parameter 'message'.")]
    [InlineData("?phone=&message=hi", "Parameter 'phone' is empty.")]
    [InlineData("?phone=1&message=%C3%28", "Parameter 'message' could not be decoded")]
    public async Task Get_BadParameters_Answers400NamingTheParameter(string query, string reason)
    {
        var response = await _client.GetAsync(Webhook + query, _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().StartWith(reason);
        Host.App.Received.Should().BeEmpty();
        Host.Logs.Records.Should().Contain(r => r.EventId.Id == 4001 && r.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostJson_Malformed_Answers400()
    {
        var response = await _client.PostAsync(Webhook, new StringContent("{\"phone\":", Encoding.UTF8, "application/json"), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().StartWith("The body is not valid JSON");
    }

    [Fact]
    public async Task Post_OversizeBody_Answers413()
    {
        var text = new string('x', 70_000);

        var response = await _client.PostAsync(Webhook, new FormUrlEncodedContent([new("phone", "1"), new("message", text)]), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        Host.App.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Post_OversizeChunkedBody_Answers413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("phone=1&message=" + new string('y', 70_000))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request, _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Get_OversizeQuery_Answers413()
    {
        await RestartAsync(o => o.MaxRequestSize = 1024);

        var response = await _client.GetAsync(Webhook + "?phone=1&message=" + new string('z', 2000), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Get_LongQueryWithinLimit_IsAcceptedAndBeyondItGets413()
    {
        var text = new string('w', 20_000);

        var accepted = await _client.GetAsync(Webhook + "?phone=1&message=" + text, _timeout.Token);
        var refused = await _client.GetAsync(Webhook + "?phone=1&message=" + new string('v', 70_000), _timeout.Token);

        accepted.StatusCode.Should().Be(HttpStatusCode.OK, "the self-hosted listener lets MaxRequestSize, not Kestrel's 8 KiB request line, decide");
        Host.App.Received.Should().ContainSingle().Which.Text.Should().Be(text);
        refused.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_UnsupportedContentType_Answers415()
    {
        var response = await _client.PostAsync(Webhook, new StringContent("phone=1", Encoding.UTF8, "text/xml"), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Put_Answers405WithAllow()
    {
        var response = await _client.PutAsync(Webhook, new StringContent(""), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.Should().BeEquivalentTo("GET", "POST");
    }

    [Fact]
    public async Task OtherPath_Answers404()
    {
        var response = await _client.GetAsync(new Uri(Webhook, "/elsewhere?phone=1&message=x"), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SharedSecret_MissingWrongRight_Answers401Then403Then200()
    {
        await RestartAsync(o =>
        {
            o.SharedSecret = "s3cret-token";
            o.SharedSecretParameter = "token";
        });
        var url = Webhook + "?phone=1&message=hi";

        (await _client.GetAsync(url, _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await _client.GetAsync(url + "&token=wrong", _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var header = new HttpRequestMessage(HttpMethod.Get, url);
        header.Headers.Add("X-RapidSms-Secret", "s3cret-token");
        (await _client.SendAsync(header, _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.GetAsync(url + "&token=s3cret-token", _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        Host.App.Received.Should().HaveCount(2);
        Host.Logs.Records.Should().NotContain(r => r.Message.Contains("s3cret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BasicAuth_MissingWrongRight_Answers401Then403Then200()
    {
        await RestartAsync(o =>
        {
            o.BasicAuthUsername = "gateway";
            o.BasicAuthPassword = "pa55word";
        });
        var url = Webhook + "?phone=1&message=hi";

        var missing = await _client.GetAsync(url, _timeout.Token);
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Basic");

        using var wrong = new HttpRequestMessage(HttpMethod.Get, url);
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("gateway:nope")));
        (await _client.SendAsync(wrong, _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var right = new HttpRequestMessage(HttpMethod.Get, url);
        right.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("gateway:pa55word")));
        (await _client.SendAsync(right, _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        Host.App.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task CustomParameterNames_AreRead()
    {
        await RestartAsync(o =>
        {
            o.IdentityParameter = "from";
            o.TextParameter = "body";
        });

        var response = await _client.GetAsync(Webhook + "?from=%2B1555&body=hello", _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Host.App.Received.Should().ContainSingle().Which.Connection.Identity.Should().Be("+1555");
    }

    [Fact]
    public async Task Burst_ConcurrentRequests_NoneLost()
    {
        const int count = 200;
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            var response = await _client.GetAsync($"{Webhook}?phone=%2B2567{i % 10:D8}&message=m{i:D3}", _timeout.Token);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        });

        await Task.WhenAll(tasks);

        Host.App.Received.Select(m => m.Text).Should().BeEquivalentTo(Enumerable.Range(0, count).Select(i => $"m{i:D3}"));
    }

    [Fact]
    public async Task MapRapidSmsHttp_InAspNetCoreApp_ReceivesAndRepliesThroughGateway()
    {
        await using var sink = await HttpSink.StartAsync();
        var app = new RecordingApp();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddRapidSms(rapid => rapid
            .AddApp(app)
            .AddBackend("gateway", b => b.UseHttp(o =>
            {
                o.SendSmsUrl = sink.Address + "out?to={identity}&text={text}";
            })));
        await using var web = builder.Build();
        web.MapRapidSmsHttp("/sms/incoming", "gateway");
        web.MapRapidSmsHttp("/sms/nobody", "missing");
        await web.StartAsync(_timeout.Token);
        var address = web.Urls.First();

        var response = await _client.GetAsync($"{address}/sms/incoming?phone=%2B256700000009&message={Uri.EscapeDataString("echo " + Unicode)}", _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        app.Received.Should().ContainSingle().Which.Text.Should().Be("echo " + Unicode);
        var sent = sink.TryNext();
        sent.Should().NotBeNull("the reply is sent before the webhook is answered");
        sent!.Query["to"].ToString().Should().Be("+256700000009");
        sent.Query["text"].ToString().Should().Be(Unicode);

        var missing = await _client.GetAsync($"{address}/sms/nobody?phone=1&message=x", _timeout.Token);
        missing.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await missing.Content.ReadAsStringAsync()).Should().Contain("No backend named 'missing'");
        await web.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task RouterClosed_DuringShutdown_Answers503WithRetryAfter()
    {
        var backend = Host.Backend<HttpBackend>("gw");
        await Host.Host.StopAsync(_timeout.Token);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?phone=1&message=late");

        await backend.HandleWebhookAsync(context);

        context.Response.StatusCode.Should().Be(503);
        context.Response.Headers.RetryAfter.ToString().Should().Be("5");
        Host.App.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Stop_WithRequestInProgress_EndsWhenItsTokenIsCancelled_AndDoesNotAcknowledge()
    {
        var held = new HoldingApp();
        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid
            .AddApp(held)
            .AddBackend("held", b => b.UseHttp(o => o.ListenUrl = "http://127.0.0.1:0")));
        var backend = host.Backend<HttpBackend>("held");
        var request = _client.GetAsync(backend.ListenAddress + "?phone=1&message=held", _timeout.Token);
        await held.Entered.Task.WaitAsync(_timeout.Token);

        using var stop = new CancellationTokenSource();
        var stopping = backend.StopAsync(stop.Token);
        await stop.CancelAsync();

        // Bounded wait only: the stop must end because its token was cancelled, not after the host's 30 s shutdown timeout.
        await stopping.WaitAsync(TimeSpan.FromSeconds(15), _timeout.Token);
        backend.ListenAddress.Should().BeNull();
        var answer = async () => (await request).EnsureSuccessStatusCode();
        await answer.Should().ThrowAsync<HttpRequestException>("the message was not processed, so the gateway must not get a 200");
        held.Release.TrySetResult();
    }

    [Fact]
    public async Task StartAndStop_Concurrently_BindOnceAndLeaveNoListenerBehind()
    {
        var port = Peers.FreeTcpPort();
        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid
            .AddBackend("twice", b => b.UseHttp(o => o.ListenUrl = $"http://127.0.0.1:{port}")));
        var backend = host.Backend<HttpBackend>("twice");

        // Starts racing a stop, then starts racing each other: never two binds of the port, and what runs is stopped.
        for (var round = 0; round < 10; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => backend.StartAsync(_timeout.Token))).Append(Task.Run(() => backend.StopAsync(_timeout.Token))));
            await backend.StopAsync(_timeout.Token);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => backend.StartAsync(_timeout.Token))));
            await backend.StopAsync(_timeout.Token);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => backend.StartAsync(_timeout.Token))));
        (await _client.GetAsync(backend.ListenAddress + "?phone=1&message=once", _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        await backend.StopAsync(_timeout.Token);

        backend.ListenAddress.Should().BeNull();
        var stale = async () => await _client.GetAsync($"http://127.0.0.1:{port}/?phone=1&message=after", _timeout.Token);
        await stale.Should().ThrowAsync<HttpRequestException>("no listener is left behind");
    }

    private sealed class HoldingApp : AppBase
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<bool> FilterAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return false;
        }
    }

    private async Task StartAsync(Action<HttpOptions> configure)
    {
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("gw", b => b.UseHttp(o =>
        {
            o.ListenUrl = "http://127.0.0.1:0";
            o.ReceivePath = "/sms/in";
            configure(o);
        })));
        _webhook = _host.Backend<HttpBackend>("gw").ListenAddress;
    }

    private async Task RestartAsync(Action<HttpOptions> configure)
    {
        await _host!.DisposeAsync();
        await StartAsync(configure);
    }
}
