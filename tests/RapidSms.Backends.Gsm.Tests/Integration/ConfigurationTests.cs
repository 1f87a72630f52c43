using Microsoft.Extensions.Configuration;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>Backends declared in appsettings the RapidSMS way: a name, an engine and that engine's options.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task AddBackends_RapidSmsEngineAlias_BindsOptionsAndRuns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var link = ModemLink.Tcp();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backends:Zain:ENGINE"] = "rapidsms.backends.gsm",
            ["Backends:Zain:PORT"] = link.Port,
            ["Backends:Zain:Profile"] = "zte",
            ["Backends:Zain:CommandTimeout"] = "00:00:02",
            ["Backends:Zain:RegistrationTimeout"] = "00:00:01",
            ["Backends:Zain:InitCommands:0"] = "AT+CSCS=\"GSM\"",
        }).Build();

        await using var host = await GsmHost.StartAsync(r => r.AddBackends(configuration.GetSection("Backends")));
        await host.WaitReadyAsync("Zain", timeout.Token);
        await link.Simulator.DeliverAsync("+256700000001", "echo configured", cancellationToken: timeout.Token);

        (await link.Simulator.WaitForSentAsync(1, timeout.Token))[0].Text.Should().Be("configured");
        link.Simulator.Commands.Should().Contain("AT+CSCS=\"GSM\"");
    }

    [Fact]
    public async Task AddBackends_UnknownKey_FailsAtStartNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backends:Zain:Engine"] = "gsm",
            ["Backends:Zain:Port"] = "/dev/ttyUSB1",
            ["Backends:Zain:Baudrate2"] = "9600",
        }).Build();

        var start = () => GsmHost.StartAsync(r => r.AddBackends(configuration.GetSection("Backends")));

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("Baudrate2");
    }

    [Theory]
    [InlineData("Profile", "nokia", "Profile")]
    [InlineData("Port", "tcp://nohost", "tcp://HOST:PORT")]
    [InlineData("Pin", "12", "PIN")]
    [InlineData("BaudRate", "14400", "BaudRate")]
    [InlineData("ValidityPeriod", "00:01:00", "ValidityPeriod")]
    [InlineData("DeleteCommand", "AT+CMGD=1", "{0}")]
    [InlineData("IncompleteMessageTimeout", "00:00:00", "IncompleteMessageTimeout")]
    public async Task UseGsm_InvalidOption_FailsAtStart(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backends:Zain:Engine"] = "gsm",
            ["Backends:Zain:Port"] = "/dev/ttyUSB1",
            [$"Backends:Zain:{key}"] = value,
        }).Build();

        var start = () => GsmHost.StartAsync(r => r.AddBackends(configuration.GetSection("Backends")));

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain(expected);
    }
}
