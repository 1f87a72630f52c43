using Microsoft.AspNetCore.WebUtilities;
using RapidSms.Backends.Kannel.Protocol;

namespace RapidSms.Backends.Kannel.Tests;

public sealed class Gsm7Tests
{
    [Theory]
    [InlineData("Hello, world! 123")]
    [InlineData("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà")]
    [InlineData("Extension: ^{}\\[~]|€")]
    [InlineData("Ça va très bien")]
    [InlineData("")]
    public void CanEncode_GsmText_True(string text) => Gsm7.CanEncode(text).Should().BeTrue();

    [Theory]
    [InlineData("مرحبا")]
    [InlineData("emoji 👋")]
    [InlineData("ç lowercase c-cedilla")]
    [InlineData("â circumflex")]
    [InlineData("Здравствуйте")]
    public void CanEncode_NonGsmText_False(string text) => Gsm7.CanEncode(text).Should().BeFalse();
}

public sealed class KannelDeliveryReportTests
{
    [Theory]
    [InlineData(1, DeliveryStatus.Delivered)]
    [InlineData(2, DeliveryStatus.Failed)]
    [InlineData(4, DeliveryStatus.Queued)]
    [InlineData(8, DeliveryStatus.Sent)]
    [InlineData(16, DeliveryStatus.Rejected)]
    [InlineData(0, DeliveryStatus.Unknown)]
    [InlineData(3, DeliveryStatus.Unknown)]
    [InlineData(32, DeliveryStatus.Unknown)]
    public void ToStatus_KannelType_MapsToDeliveryStatus(int type, DeliveryStatus expected) =>
        KannelDeliveryReport.ToStatus(type).Should().Be(expected);

    [Theory]
    [InlineData("id:123 sub:001 dlvrd:000 submit date:2611220105 done date:2611220106 stat:UNDELIV err:034 text:hi", "034")]
    [InlineData("id:123 stat:DELIVRD err:000 text:hi", null)]
    [InlineData("NACK/0x00000045/Submit failed", "0x00000045")]
    [InlineData("ACK/", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FindErrorCode_ReportText_FindsCode(string? reply, string? expected) =>
        KannelDeliveryReport.FindErrorCode(reply).Should().Be(expected);

    [Fact]
    public void TryParseUnixTime_Seconds_ReturnsUtcTime()
    {
        KannelDeliveryReport.TryParseUnixTime("1795482000", out var time).Should().BeTrue();
        time.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1795482000));
        KannelDeliveryReport.TryParseUnixTime("2026-11-22 01:05:58", out _).Should().BeFalse();
    }
}

public sealed class SendSmsUrlTests
{
    [Fact]
    public void BuildSendSmsUrl_NonGsmText_SendsUtf8WithCoding2AndEveryOption()
    {
        var backend = Configure(o =>
        {
            o.Username = "rapid";
            o.Password = "p&ss";
            o.From = "+256700000000";
            o.Smsc = "usb0-modem";
            o.Priority = 2;
            o.Validity = TimeSpan.FromMinutes(90.5);
            o.DeliveryReportUrl = "https://sms.example.org/kannel?x=1";
        });
        var message = new OutgoingMessage(new Connection("k", "+256700000001"), "مرحبا 👋");

        var query = Parse(backend.BuildSendSmsUrl(message, "+256700000001"));

        query["username"].Should().Be("rapid");
        query["password"].Should().Be("p&ss");
        query["from"].Should().Be("+256700000000");
        query["to"].Should().Be("+256700000001");
        query["text"].Should().Be("مرحبا 👋");
        query["charset"].Should().Be("UTF-8");
        query["coding"].Should().Be("2");
        query["smsc"].Should().Be("usb0-modem");
        query["priority"].Should().Be("2");
        query["validity"].Should().Be("91");
        query["dlr-mask"].Should().Be("31");
        query["dlr-url"].Should().Be(
            $"https://sms.example.org/kannel?x=1&rapidsms-dlr=1&message={message.Id}&identity=%%2B256700000001&type=%d&bmid=%F&smsc=%i&ts=%T&reply=%A");
    }

    [Fact]
    public void BuildSendSmsUrl_GsmText_LeavesCodingToKannel()
    {
        var backend = Configure(_ => { });

        var query = Parse(backend.BuildSendSmsUrl(new OutgoingMessage(new Connection("k", "1"), "Ça va? €5"), "1"));

        query.Should().NotContainKey("coding");
        query["text"].Should().Be("Ça va? €5");
    }

    [Fact]
    public void BuildSendSmsUrl_RapidSmsStyleParams_AreSentAndTypedOptionsWin()
    {
        var backend = Configure(o =>
        {
            o.SendSmsParams["username"] = "from-params";
            o.SendSmsParams["password"] = "secret";
            o.SendSmsParams["smsc"] = "usb0";
            o.SendSmsParams["account"] = "clinic";
            o.SendSmsParams["text"] = "ignored";
            o.Username = "typed";
            o.Password = null;
        });

        var query = Parse(backend.BuildSendSmsUrl(new OutgoingMessage(new Connection("k", "1"), "hi"), "1"));

        query["username"].Should().Be("typed");
        query["password"].Should().Be("secret");
        query["smsc"].Should().Be("usb0");
        query["account"].Should().Be("clinic");
        query["text"].Should().Be("hi");
    }

    [Fact]
    public void BuildSendSmsUrl_NoDeliveryReportUrlOrMaskZero_AsksForNoReports()
    {
        Parse(Configure(_ => { }).BuildSendSmsUrl(new OutgoingMessage(new Connection("k", "1"), "hi"), "1")).Should().NotContainKey("dlr-url");
        Parse(Configure(o =>
        {
            o.DeliveryReportUrl = "http://x/";
            o.DeliveryReportMask = 0;
        }).BuildSendSmsUrl(new OutgoingMessage(new Connection("k", "1"), "hi"), "1")).Should().NotContainKey("dlr-mask");
    }

    [Fact]
    public void BuildDeliveryReportUrl_WithSecret_AddsEscapedSecret()
    {
        var backend = Configure(o => o.SharedSecret = "a b%c");

        backend.BuildDeliveryReportUrl("http://x/k", "m1", "id").Should().EndWith("&secret=a%%20b%%25c");
    }

    private static KannelBackend Configure(Action<KannelOptions> configure)
    {
        var options = new KannelOptions { Username = "u", Password = "p" };
        configure(options);
        var backend = new KannelBackend();
        backend.Configure(options);
        return backend;
    }

    private static Dictionary<string, string> Parse(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
}
