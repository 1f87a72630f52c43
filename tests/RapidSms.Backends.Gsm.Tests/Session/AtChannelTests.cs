using Microsoft.Extensions.Logging.Abstractions;
using RapidSms.Backends.Gsm.Session;

namespace RapidSms.Backends.Gsm.Tests.Session;

public sealed class AtChannelTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly DuplexPipe _pipe = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private AtChannel _channel = null!;

    public Task InitializeAsync()
    {
        _channel = new AtChannel(_pipe.Host, "test", NullLogger.Instance, TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Execute_UnsolicitedLineInsideResponse_GoesToUnsolicitedNotResponse()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CSQ", "+CSQ:", Wait), _timeout.Token);
        (await _pipe.ReadFromHostAsync(_timeout.Token)).Should().Be("AT+CSQ\r");
        await _pipe.SendToHostAsync("\r\n+CMTI: \"SM\",3\r\n+CSQ: 20,99\r\n+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"\r\n\r\nOK\r\n");

        var response = await run;

        response.IsOk.Should().BeTrue();
        response.Lines.Should().Equal("+CSQ: 20,99");
        (await _channel.Unsolicited.ReadAsync(_timeout.Token)).Line.Should().Be("+CMTI: \"SM\",3");
        (await _channel.Unsolicited.ReadAsync(_timeout.Token)).Line.Should().StartWith("+ZDONR:");
    }

    [Fact]
    public async Task Execute_EchoOn_IgnoresEchoedCommand()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CSQ", "+CSQ:", Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("AT+CSQ\r\r\n+CSQ: 5,99\r\n\r\nOK\r\n");

        (await run).Lines.Should().Equal("+CSQ: 5,99");
    }

    [Fact]
    public async Task Execute_Prompt_SendsPayloadWithCtrlZAndReadsReference()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CMGS=23", "+CMGS:", Wait) { Payload = "00ABCDEF" }, _timeout.Token);
        (await _pipe.ReadFromHostAsync(_timeout.Token)).Should().Be("AT+CMGS=23\r");
        await _pipe.SendToHostAsync("\r\n+ZPASR: \"UMTS\"\r\n> ");
        (await _pipe.ReadFromHostAsync(_timeout.Token)).Should().Be("00ABCDEF\u001a");
        await _pipe.SendToHostAsync("\r\n+ZDONR: \"METEOR\"\r\n+CMGS: 42\r\n\r\nOK\r\n");

        var response = await run;

        response.Value("+CMGS:").Should().Be("42");
        (await _channel.Unsolicited.ReadAsync(_timeout.Token)).Line.Should().StartWith("+ZPASR");
    }

    [Fact]
    public async Task Execute_CmsError_CarriesCodeMeaningAndTransience()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CMGS=23", "+CMGS:", Wait) { Payload = "00" }, _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("> ");
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\r\n+CMS ERROR: 332\r\n");

        var response = await run;
        var error = Assert.Throws<GsmModemException>(() => response.EnsureOk("test"));

        error.Kind.Should().Be(AtResultKind.CmsError);
        error.ErrorCode.Should().Be(332);
        error.Meaning.Should().Be("network timeout");
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Execute_CmeErrorPermanent_IsNotTransient()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CPIN?", "+CPIN:", Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\r\n+CME ERROR: 10\r\n");

        var error = Assert.Throws<GsmModemException>(() => run.Result.EnsureOk("test"));

        error.Meaning.Should().Be("SIM not inserted");
        error.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task Execute_TextModeBodySaysOk_DoesNotEndResponse()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CMGR=1", "+CMGR:", Wait) { TextBodies = true }, _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\r\n+CMGR: \"REC UNREAD\",\"+27748577604\",,\"13/01/28,14:51:42+08\"\r\nOK\r\n\r\nOK\r\n");

        var response = await run;

        response.Lines.Should().Equal("+CMGR: \"REC UNREAD\",\"+27748577604\",,\"13/01/28,14:51:42+08\"", "OK");
    }

    [Fact]
    public async Task Unsolicited_CmtWithPdu_CarriesPduLine()
    {
        await _pipe.SendToHostAsync("\r\n+CMT: ,23\r\n0011000B916407281553F80000AA0AE8329BFD4697D9EC37\r\n");

        var line = await _channel.Unsolicited.ReadAsync(_timeout.Token);

        line.Line.Should().Be("+CMT: ,23");
        line.Data.Should().Be("0011000B916407281553F80000AA0AE8329BFD4697D9EC37");
    }

    [Fact]
    public async Task Execute_StuckPrompt_EscapesAndTimesOut()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CMGS=23", "+CMGS:", TimeSpan.FromMilliseconds(300)) { Payload = "00" }, _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("> ");
        (await _pipe.ReadFromHostAsync(_timeout.Token)).Should().Be("00\u001a");

        var error = await Assert.ThrowsAsync<GsmModemException>(() => run);

        error.Kind.Should().Be(AtResultKind.Timeout);
        error.IsTransient.Should().BeTrue();
        (await _pipe.ReadFromHostAsync(_timeout.Token)).Should().Be("\u001b");
    }

    [Fact]
    public async Task Execute_RepeatedTimeouts_CloseTheChannel()
    {
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<GsmModemException>(() => _channel.ExecuteAsync(new AtCommand("AT", null, TimeSpan.FromMilliseconds(100)), _timeout.Token));
        }

        (await _channel.Completion.WaitAsync(_timeout.Token)).Should().BeOfType<TimeoutException>();
    }

    [Fact]
    public async Task Completion_ModemClosesStream_FailsPendingCommand()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT", null, Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        _pipe.CloseModemSide();

        await Assert.ThrowsAsync<IOException>(() => run);
        (await _channel.Completion.WaitAsync(_timeout.Token)).Should().BeOfType<EndOfStreamException>();
    }

    [Fact]
    public async Task Execute_PduListing_KeepsHeaderAndPduPairs()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CMGL=4", "+CMGL:", Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\r\n+CMGL: 1,0,,23\r\n0011AA\r\n+CMTI: \"SM\",4\r\n+CMGL: 2,1,,23\r\n0022BB\r\n\r\nOK\r\n");

        var response = await run;

        response.Lines.Should().Equal("+CMGL: 1,0,,23", "0011AA", "+CMGL: 2,1,,23", "0022BB");
    }

    [Fact]
    public async Task Execute_VerboseErrorText_MappedToCode()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CPIN?", "+CPIN:", Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\r\n+CME ERROR: SIM busy\r\n");

        var response = await run;

        response.ErrorCode.Should().Be(14);
        Assert.Throws<GsmModemException>(() => response.EnsureOk("test")).IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Execute_LineNoiseAndOversizedGarbage_CommandStillCompletes()
    {
        var run = _channel.ExecuteAsync(new AtCommand("AT+CSQ", "+CSQ:", Wait), _timeout.Token);
        await _pipe.ReadFromHostAsync(_timeout.Token);
        await _pipe.SendToHostAsync("\0\u00ff" + new string('x', 20_000));
        await _pipe.SendToHostAsync("\r\n+CSQ: 31,99\r\n\r\nOK\r\n");

        var response = await run;

        response.Lines.Should().Equal("+CSQ: 31,99");
    }
}
