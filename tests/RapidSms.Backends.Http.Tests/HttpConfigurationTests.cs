using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Http;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

public sealed class HttpConfigurationTests
{
    [Fact]
    public async Task AppSettings_RapidSmsStyleKeys_BindAndSend()
    {
        await using var sink = await HttpSink.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["RapidSms:Backends:gateway:ENGINE"] = "rapidsms.backends.http.RapidHttpBackend",
            ["RapidSms:Backends:gateway:SENDSMS_URL"] = sink.Address + "send",
            ["RapidSms:Backends:gateway:SENDSMS_PARAMS:to"] = "{identity}",
            ["RapidSms:Backends:gateway:SENDSMS_PARAMS:text"] = "{text}",
            ["RapidSms:Backends:gateway:SendSmsMethod"] = "Post",
            ["RapidSms:Backends:gateway:SendSmsFormat"] = "Form",
            ["RapidSms:Backends:gateway:ListenUrl"] = "http://127.0.0.1:0",
            ["RapidSms:Backends:gateway:IdentityParameter"] = "from",
        };
        await using var host = await RapidSmsTestHost.StartAsync(
            rapid => rapid.AddBackends(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("RapidSms:Backends")));

        var backend = host.Backend<HttpBackend>("gateway");
        var result = await host.Router.SendAsync("hello", new Connection("gateway", "+1"));

        result.Succeeded.Should().BeTrue();
        backend.ListenAddress.Should().NotBeNull();
        (await sink.NextAsync(CancellationToken.None)).Method.Should().Be("POST");
    }

    /// <summary>Starts a host with backend "gw" configured from settings, with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    private static Func<Task<RapidSmsTestHost>> StartWithOption(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["B:gw:Engine"] = "http",
            ["B:gw:SendSmsUrl"] = "http://gw.example/send?text={text}",
            [$"B:gw:{key}"] = value,
        };
        var section = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("B");
        return async () => await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackends(section));
    }

    [Theory]
    [InlineData("SendSmsUrl", "gw.example/send?apikey=T0PSECRET&to={identity}&text={text}", "'gw.example/send?…' is not an absolute")]
    [InlineData("SendSmsUrl", "ftp://user:T0PSECRET@gw.example/send?text={text}", "'ftp://…@gw.example/send?…' is not an absolute")]
    [InlineData("SendSmsUrl", "http://gw.example/send?text={text}&key=T0PSECRET{", "is not closed")]
    [InlineData("SendSmsParams:apikey", "T0PSECRET}", "SendSmsParams:apikey")]
    public async Task BadOption_CarryingASecret_FailsWithoutShowingIt(string key, string value, string expected)
    {
        var act = StartWithOption(key, value);

        var error = (await act.Should().ThrowAsync<BackendConfigurationException>()).Which;
        error.ToString().Should().Contain(expected).And.NotContain("T0PSECRET");
    }

    [Theory]
    [InlineData("http://gw.example/send?key=s", "http://gw.example/send?…")]
    [InlineData("https://u:p@gw.example:8443/a/b#frag", "https://…@gw.example:8443/a/b?…")]
    [InlineData("http://gw.example", "http://gw.example")]
    [InlineData("gw.example/x@y", "gw.example/x@y")]
    [InlineData("u:p@gw.example", "…@gw.example")]
    [InlineData("/relative", "/relative")]
    [InlineData("/relative?key=s@x", "/relative?…")]
    [InlineData("", "")]
    [InlineData("@", "…@")]
    public void RedactUrl_DropsQueryAndUserInformation(string url, string expected) => HttpBackend.RedactUrl(url).Should().Be(expected);

    [Theory]
    [InlineData("SendSmsUrl", "http://gw/{phone}", "unknown placeholder '{phone}'")]
    [InlineData("SendSmsUrl", "ftp://gw/x?t={text}", "is not an absolute http:// or https:// URL")]
    [InlineData("SendSmsUrl", "http://gw/send?to={identity}", "Neither SendSmsUrl nor SendSmsParams uses {text}")]
    [InlineData("SuccessPattern", "([", "is not a valid regular expression")]
    [InlineData("ListenUrl", "not a url", "must be an http:// URL with a port")]
    [InlineData("SendSmsFormat", "Json", "needs a body, which GET does not have")]
    [InlineData("MaxRequestSize", "10", "MaxRequestSize")]
    [InlineData("BasicAuthUsername", "only-user", "Set both BasicAuthUsername and BasicAuthPassword")]
    public async Task BadOption_FailsAtStartNamingBackendAndProblem(string key, string value, string expected)
    {
        var act = StartWithOption(key, value);

        (await act.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Contain("'gw'").And.Contain(expected);
    }
}
