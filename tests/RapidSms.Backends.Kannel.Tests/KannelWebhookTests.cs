using System.Net;
using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Kannel;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>Kannel's get-url and dlr-url requests as Kannel makes them, sent to the backend's own listener.</summary>
public sealed class KannelWebhookTests : IAsyncLifetime
{
    private readonly HttpClient _client = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private RapidSmsTestHost _host = null!;
    private Uri _webhook = null!;

    public async Task InitializeAsync()
    {
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("k", b => b.UseKannel(o =>
        {
            o.Username = "rapidsms";
            o.Password = "secret";
            o.ListenUrl = "http://127.0.0.1:0";
            o.ReceivePath = "/kannel";
        })));
        _webhook = _host.Backend<KannelBackend>("k").ListenAddress!;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _timeout.Dispose();
    }

    [Theory]
    [InlineData("text=%06E%061%06-%06(%06'%00+%D8%3D%DCK&charset=UTF-16BE&coding=2", "مرحبا 👋")]
    [InlineData("text=%06E%061%06-%06(%06'%00+%D8%3D%DCK&coding=2", "مرحبا 👋")]
    [InlineData("text=Habari+%C3%87a+va&charset=UTF-8&coding=0", "Habari Ça va")]
    [InlineData("text=Habari+%C7a+va&charset=ISO-8859-1&coding=0", "Habari Ça va")]
    [InlineData("text=%80+price&charset=WINDOWS-1252&coding=0", "€ price")]
    [InlineData("text=plain", "plain")]
    public async Task GetUrl_TextInKannelsCharset_ReachesAppDecoded(string query, string expected)
    {
        var response = await _client.GetAsync($"{_webhook}?id=%2B256700000001&{query}&smsc=modem&ts=1795482000&to=12345", _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty("Kannel would send a non-empty answer to the phone");
        var message = _host.App.Received.Should().ContainSingle().Subject;
        message.Text.Should().Be(expected);
        message.Connection.Identity.Should().Be("+256700000001");
        message.ReceivedAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1795482000));
        message.Fields["kannel.smsc"].Should().Be("modem");
        message.Fields["kannel.to"].Should().Be("12345");
    }

    [Theory]
    [InlineData("text=hi", "Missing parameter 'id'")]
    [InlineData("id=&text=hi", "Parameter 'id' (the sender, %p) is empty.")]
    [InlineData("id=1", "Missing parameter 'text'")]
    [InlineData("id=1&text=hi&charset=x-nope", "Charset 'x-nope' is not supported.")]
    [InlineData("id=1&text=%C3%28&charset=UTF-8", "Parameter 'text' is not valid utf-8.")]
    [InlineData("id=1&text=%D8&coding=2", "Parameter 'text' is not valid utf-16BE.")]
    [InlineData("id=1&text=%01%02&coding=1", "Binary (8-bit, coding=1) messages")]
    [InlineData("rapidsms-dlr=1&identity=1&type=x", "Delivery report type 'x' is not a number")]
    [InlineData("rapidsms-dlr=1&type=1", "Missing parameter 'identity'.")]
    public async Task BadRequest_Answers400WithReason(string query, string reason)
    {
        var response = await _client.GetAsync($"{_webhook}?{query}", _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().StartWith(reason);
        _host.App.Received.Should().BeEmpty();
        _host.App.Reports.Should().BeEmpty();
    }

    [Fact]
    public async Task BadRequest_QuotingWhatTheRequestSent_LogsOneShortLine()
    {
        var forged = "x\r\nwarn: RapidSms.Router[1] all is well\n" + new string('y', 5000);

        var response = await _client.GetAsync($"{_webhook}?id=1&text=hi&charset={Uri.EscapeDataString(forged)}", _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var rejected = _host.Logs.Records.Should().ContainSingle(r => r.EventId.Id == 4501).Subject;
        rejected.Message.Should().NotContainAny("\r", "\n").And.Contain("Charset 'x??warn: RapidSms.Router[1] all is well?yyy");
        rejected.Message.Length.Should().BeLessThan(500);
    }

    [Fact]
    public async Task Post_Answers405()
    {
        var response = await _client.PostAsync(_webhook, new StringContent("x"), _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task DlrUrl_AsKannelCallsIt_ReachesObserversCorrelated()
    {
        var url = $"{_webhook}?rapidsms-dlr=1&message=0123abcd&identity=%2B256700000001&type=1&bmid=f42&smsc=sink&ts=1795482000&reply=id%3Af42+stat%3ADELIVRD+err%3A000";

        var response = await _client.GetAsync(url, _timeout.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = _host.App.Reports.Should().ContainSingle().Subject;
        report.Should().BeEquivalentTo(new DeliveryReport("k", "+256700000001", DeliveryStatus.Delivered, DateTimeOffset.FromUnixTimeSeconds(1795482000))
        {
            MessageId = "0123abcd",
            BackendMessageId = "f42",
            Detail = "type=1 id:f42 stat:DELIVRD err:000",
        });
    }
}

public sealed class KannelConfigurationTests
{
    [Fact]
    public async Task AppSettings_RapidSmsStyleKeys_Bind()
    {
        var settings = new Dictionary<string, string?>
        {
            ["B:kannel-fake-smsc:ENGINE"] = "rapidsms.backends.kannel.KannelBackend",
            ["B:kannel-fake-smsc:SENDSMS_URL"] = "http://127.0.0.1:13013/cgi-bin/sendsms",
            ["B:kannel-fake-smsc:SENDSMS_PARAMS:smsc"] = "FAKE",
            ["B:kannel-fake-smsc:SENDSMS_PARAMS:from"] = "123",
            ["B:kannel-fake-smsc:SENDSMS_PARAMS:username"] = "rapidsms",
            ["B:kannel-fake-smsc:SENDSMS_PARAMS:password"] = "CHANGE-ME",
            ["B:kannel-fake-smsc:DELIVERY_REPORT_URL"] = "http://127.0.0.1:8000/backend/kannel/",
            ["B:kannel-fake-smsc:Priority"] = "1",
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("B");

        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackends(section));

        var backend = host.Backend<KannelBackend>("kannel-fake-smsc");
        var url = backend.BuildSendSmsUrl(new OutgoingMessage(new Connection("kannel-fake-smsc", "1"), "hi"), "1");
        url.Should().Contain("smsc=FAKE").And.Contain("username=rapidsms").And.Contain("priority=1").And.Contain("dlr-url=http%3A%2F%2F127.0.0.1%3A8000%2Fbackend%2Fkannel%2F%3F");
    }

    [Theory]
    [InlineData("SendSmsUrl", "not a url", "is not an absolute http:// URL")]
    [InlineData("DeliveryReportUrl", "/relative", "DeliveryReportUrl '/relative' is not an absolute")]
    [InlineData("ListenUrl", "https://0.0.0.0:1", "must be an http:// URL with a port")]
    [InlineData("Priority", "7", "Priority")]
    [InlineData("DeliveryReportMask", "64", "DeliveryReportMask")]
    [InlineData("Nonsense", "1", "unknown option 'Nonsense'")]
    [InlineData("Password", null, "Set Username and Password")]
    public async Task BadOption_FailsAtStartNamingBackendAndProblem(string key, string? value, string expected)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["B:k:Engine"] = "kannel",
            ["B:k:Username"] = "u",
            ["B:k:Password"] = "p",
            [$"B:k:{key}"] = value,
        }).Build().GetSection("B");

        var act = async () => await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackends(section));

        (await act.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Contain("'k'").And.Contain(expected);
    }
}
