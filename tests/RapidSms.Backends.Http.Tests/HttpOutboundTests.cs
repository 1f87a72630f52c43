using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RapidSms.Backends.Http;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

/// <summary>Outgoing requests against a real HTTP gateway (a Kestrel sink on loopback).</summary>
public sealed class HttpOutboundTests : IAsyncLifetime
{
    private const string Unicode = "Habari! Ça va très bien, merci. مرحبا 👋";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private HttpSink _sink = null!;
    private RapidSmsTestHost? _host;

    public async Task InitializeAsync() => _sink = await HttpSink.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _sink.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Get_QueryTemplate_SendsUrlEscapedUtf8()
    {
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "send?to={identity}";
            o.SendSmsParams["text"] = "{text}";
            o.SendSmsParams["ref"] = "{id}";
            o.SendSmsParams["via"] = "{backend}";
        });
        var message = new OutgoingMessage(new Connection("gw", "+256700000001"), Unicode);

        var result = await router.SendOutgoingAsync(message, _timeout.Token);

        result.Succeeded.Should().BeTrue();
        var request = await _sink.NextAsync(_timeout.Token);
        request.Method.Should().Be("GET");
        request.Path.Should().Be("/send");
        request.Query["to"].ToString().Should().Be("+256700000001");
        request.Query["text"].ToString().Should().Be(Unicode);
        request.Query["ref"].ToString().Should().Be(message.Id);
        request.Query["via"].ToString().Should().Be("gw");
    }

    [Fact]
    public async Task PostForm_SendsUtf8FormBody()
    {
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "form";
            o.SendSmsMethod = HttpSendMethod.Post;
            o.SendSmsFormat = HttpSendFormat.Form;
            o.SendSmsParams["to"] = "{identity}";
            o.SendSmsParams["body"] = "{text}";
        });

        (await router.SendAsync(Unicode, new Connection("gw", "+256700000002"), _timeout.Token)).Succeeded.Should().BeTrue();

        var request = await _sink.NextAsync(_timeout.Token);
        request.Method.Should().Be("POST");
        request.ContentType.Should().StartWith("application/x-www-form-urlencoded");
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.ASCII.GetString(request.Body));
        form["to"].ToString().Should().Be("+256700000002");
        form["body"].ToString().Should().Be(Unicode);
    }

    [Fact]
    public async Task PostJson_SendsJsonObjectWithHeaders()
    {
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "json";
            o.SendSmsMethod = HttpSendMethod.Post;
            o.SendSmsFormat = HttpSendFormat.Json;
            o.SendSmsParams["to"] = "{identity}";
            o.SendSmsParams["text"] = "{text}";
            o.SendSmsHeaders["Authorization"] = "Bearer tok-123";
            o.SendSmsHeaders["X-Api-Key"] = "key-456";
        });

        (await router.SendAsync(Unicode, new Connection("gw", "+256700000003"), _timeout.Token)).Succeeded.Should().BeTrue();

        var request = await _sink.NextAsync(_timeout.Token);
        request.ContentType.Should().Be("application/json; charset=utf-8");
        using var json = JsonDocument.Parse(request.Body);
        json.RootElement.GetProperty("to").GetString().Should().Be("+256700000003");
        json.RootElement.GetProperty("text").GetString().Should().Be(Unicode);
        request.Headers["Authorization"].Should().Be("Bearer tok-123");
        request.Headers["X-Api-Key"].Should().Be("key-456");
        _host!.Logs.Records.Should().NotContain(r => r.Message.Contains("tok-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_SeveralIdentities_OneRequestAndResultEach()
    {
        var router = await StartAsync(o => o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}");
        var identities = Enumerable.Range(1, 20).Select(i => $"+2567000000{i:D2}").ToArray();

        var result = await router.SendOutgoingAsync(new OutgoingMessage(identities.Select(i => new Connection("gw", i)).ToArray(), "broadcast"), _timeout.Token);

        result.Succeeded.Should().BeTrue();
        result.Recipients.Select(r => r.Identity).Should().Equal(identities);
        var seen = new List<string>();
        for (var i = 0; i < identities.Length; i++)
        {
            seen.Add((await _sink.NextAsync(_timeout.Token)).Query["to"].ToString());
        }

        seen.Should().BeEquivalentTo(identities);
    }

    [Fact]
    public async Task MessageIdPattern_TakesGatewayIdFromBody()
    {
        _sink.Respond = (_, n) => (200, $"{{\"status\":\"queued\",\"sid\":\"SM{n:D4}\"}}");
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}";
            o.SuccessPattern = "\"status\":\"queued\"";
            o.MessageIdPattern = "\"sid\":\"(?<id>[^\"]+)\"";
        });

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        result.Recipients.Should().ContainSingle().Which.BackendMessageId.Should().Be("SM0001");
    }

    [Fact]
    public async Task SuccessPatternNotMatched_FailsPermanentlyWithBody()
    {
        _sink.Respond = (_, _) => (200, "ERR: invalid number");
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}";
            o.SuccessPattern = "^OK";
        });

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.Succeeded.Should().BeFalse();
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("SuccessPattern").And.Contain("ERR: invalid number");
        _sink.Count.Should().Be(1, "a permanent failure is not retried");
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    public async Task ErrorStatus_MappedToTransientOrPermanent(int status, bool transient)
    {
        _sink.Respond = (_, _) => (status, "gateway says no");
        var router = await StartAsync(o => o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}");

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.Succeeded.Should().BeFalse();
        failure.IsTransient.Should().Be(transient);
        failure.Error.Should().StartWith($"HTTP {status}").And.Contain("gateway says no");
        _sink.Count.Should().Be(transient ? 3 : 1, "the router tries transient failures MaxSendAttempts (3) times");
    }

    [Theory]
    [InlineData(429, "120")]
    [InlineData(503, "7")]
    public async Task RetryAfter_IsNamedInTheError_WhileTheRoutersBackoffDecidesTheRetry(int status, string retryAfter)
    {
        _sink.Respond = (_, _) => (status, "slow down");
        _sink.ResponseHeaders["Retry-After"] = retryAfter;
        var router = await StartAsync(o => o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}", attempts: 2);

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        failure.Error.Should().Contain("slow down").And.EndWith($"(the gateway asked to retry after {retryAfter} s)");
        _sink.Count.Should().Be(2, "the router retried after its own SendRetryDelay (20 ms here), not after Retry-After");
    }

    [Fact]
    public void RetryAfter_AsAnHttpDate_IsTheWaitUntilThatTime()
    {
        var time = new RapidSms.Testing.ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(90));

        HttpBackend.ReadRetryAfter(response, time).Should().Be(TimeSpan.FromSeconds(90));
        response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(-5));
        HttpBackend.ReadRetryAfter(response, time).Should().Be(TimeSpan.Zero);
        response.Headers.RetryAfter = null;
        HttpBackend.ReadRetryAfter(response, time).Should().BeNull();
        HttpBackend.DescribeRetryAfter(TimeSpan.FromMilliseconds(1500)).Should().Be(" (the gateway asked to retry after 2 s)");
    }

    [Fact]
    public async Task AnswerCutOff_ForOneOfSeveralRecipients_FailsThatOneTransient_OthersUnaffected()
    {
        await using var server = RawHttpServer.Start(line => line.Contains("to=%2B2", StringComparison.Ordinal)
            ? RawHttpServer.CutOff(200, "ACCEPTED id=")
            : RawHttpServer.Complete(200, "ACCEPTED id=42"));
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = $"http://127.0.0.1:{server.Port}/send?to={{identity}}&text={{text}}";
            o.SuccessPattern = "^ACCEPTED";
        }, attempts: 1);

        var result = await router.SendOutgoingAsync(new OutgoingMessage([new Connection("gw", "+1"), new Connection("gw", "+2"), new Connection("gw", "+3")], "hi"), _timeout.Token);

        result.Recipients.Select(r => (r.Identity, r.Succeeded)).Should().Equal(("+1", true), ("+2", false), ("+3", true));
        result.Recipients[1].IsTransient.Should().BeTrue("SuccessPattern could not be checked on an answer that broke off");
        result.Recipients[1].Error.Should().StartWith("The gateway's answer broke off");
    }

    [Fact]
    public async Task PatternsThatTimeOut_FailOrLoseOnlyTheirOwnRecipient()
    {
        // Catastrophic backtracking on this answer: each match gives up after the patterns' 1 s timeout.
        _sink.Respond = (r, _) => (200, r.Query["to"] == "+1" ? new string('a', 40) + "!" : "ok");
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}";
            o.SuccessPattern = "^(a+)+$|^ok$";
            o.MessageIdPattern = "^(a|aa)+$";
        }, attempts: 1);

        var result = await router.SendOutgoingAsync(new OutgoingMessage([new Connection("gw", "+1"), new Connection("gw", "+2")], "hi"), _timeout.Token);

        result.Recipients[0].Succeeded.Should().BeFalse();
        result.Recipients[0].IsTransient.Should().BeFalse("the gateway answered 200: sending again could send twice");
        result.Recipients[0].Error.Should().Contain("SuccessPattern took longer than 1 s");
        result.Recipients[1].Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task TransientFailure_ThenSuccess_IsRetriedAndSucceeds()
    {
        _sink.Respond = (_, n) => n == 1 ? (503, "busy") : (200, "OK");
        var router = await StartAsync(o => o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}");

        var result = await router.SendAsync(Unicode, new Connection("gw", "+1"), _timeout.Token);

        result.Succeeded.Should().BeTrue();
        _sink.Count.Should().Be(2);
        (await _sink.NextAsync(_timeout.Token)).Query["text"].ToString().Should().Be(Unicode);
        (await _sink.NextAsync(_timeout.Token)).Query["text"].ToString().Should().Be(Unicode);
    }

    [Fact]
    public async Task SlowGateway_TimesOutAsTransient()
    {
        _sink.Delay = TimeSpan.FromSeconds(5);
        var router = await StartAsync(o =>
        {
            o.SendSmsUrl = _sink.Address + "send?to={identity}&text={text}";
            o.SendTimeout = TimeSpan.FromMilliseconds(200);
        }, attempts: 1);

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        failure.Error.Should().Contain("did not answer within");
    }

    [Fact]
    public async Task UnreachableGateway_FailsTransient()
    {
        var port = Peers.FreeTcpPort();
        var router = await StartAsync(o => o.SendSmsUrl = $"http://127.0.0.1:{port}/send?to={{identity}}&text={{text}}", attempts: 1);

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        failure.Error.Should().StartWith("The gateway could not be reached");
    }

    [Fact]
    public async Task TemplateYieldsInvalidUrlForOneRecipient_FailsThatRecipientOnly()
    {
        var router = await StartAsync(o => o.SendSmsUrl = "http://{identity}.gw.example/send?text={text}");

        var result = await router.SendOutgoingAsync(new OutgoingMessage([new Connection("gw", "bad host")], "hi"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("not a valid URL");
    }

    [Fact]
    public async Task NoSendUrl_FailsPermanentlyWithReason()
    {
        var router = await StartAsync(_ => { });

        var result = await router.SendAsync("hi", new Connection("gw", "+1"), _timeout.Token);

        result.Recipients.Should().ContainSingle().Which.Error.Should().Contain("no SendSmsUrl");
    }

    private async Task<IRouter> StartAsync(Action<HttpOptions> configure, int attempts = 3)
    {
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid
            .ConfigureRouter(o => o.MaxSendAttempts = attempts)
            .AddBackend("gw", b => b.UseHttp(configure)));
        return _host.Router;
    }
}
