using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RapidSms.Backends.Irc.Tests.Infrastructure;

namespace RapidSms.Backends.Irc.Tests;

/// <summary>Configuration and sending rules of the backend, with an in-memory server behind it.</summary>
public sealed class IrcBackendTests
{
    [Fact]
    public void AddBackends_RapidSmsStyleKeys_BindEveryOption()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["RapidSms:Backends:irc:ENGINE"] = "rapidsms.backends.irc",
            ["RapidSms:Backends:irc:SERVER"] = "irc.example.org",
            ["RapidSms:Backends:irc:PORT"] = "6697",
            ["RapidSms:Backends:irc:USE_TLS"] = "true",
            ["RapidSms:Backends:irc:TLS_FINGERPRINT"] = new string('A', 64),
            ["RapidSms:Backends:irc:NICK"] = "clinicbot",
            ["RapidSms:Backends:irc:USER_NAME"] = "clinic",
            ["RapidSms:Backends:irc:REAL_NAME"] = "Clinic bot",
            ["RapidSms:Backends:irc:PASSWORD"] = "pw",
            ["RapidSms:Backends:irc:SASL_ACCOUNT"] = "clinic",
            ["RapidSms:Backends:irc:SASL_PASSWORD"] = "pw2",
            ["RapidSms:Backends:irc:CHANNELS:0"] = "#clinic",
            ["RapidSms:Backends:irc:CHANNELS:1"] = "#staff sesame",
            ["RapidSms:Backends:irc:FLOOD_BURST"] = "5",
            ["RapidSms:Backends:irc:FLOOD_INTERVAL"] = "00:00:01",
            ["RapidSms:Backends:irc:CONNECT_TIMEOUT"] = "00:00:10",
            ["RapidSms:Backends:irc:RECONNECT_DELAY"] = "00:00:05",
            ["RapidSms:Backends:irc:MAX_RECONNECT_DELAY"] = "00:01:00",
            ["RapidSms:Backends:irc:PING_INTERVAL"] = "00:00:45",
            ["RapidSms:Backends:irc:SEND_TIMEOUT"] = "00:00:20",
            ["RapidSms:Backends:irc:VERSION_REPLY"] = "clinic 1.0",
        });

        var options = host.Services.GetRequiredService<IOptionsMonitor<IrcOptions>>().Get("irc");

        options.Server.Should().Be("irc.example.org");
        options.Port.Should().Be(6697);
        options.UseTls.Should().BeTrue();
        options.TlsFingerprint.Should().Be(new string('A', 64));
        options.Nick.Should().Be("clinicbot");
        options.UserName.Should().Be("clinic");
        options.RealName.Should().Be("Clinic bot");
        options.Password.Should().Be("pw");
        options.SaslAccount.Should().Be("clinic");
        options.SaslPassword.Should().Be("pw2");
        options.Channels.Should().Equal("#clinic", "#staff sesame");
        options.FloodBurst.Should().Be(5);
        options.FloodInterval.Should().Be(TimeSpan.FromSeconds(1));
        options.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(10));
        options.ReconnectDelay.Should().Be(TimeSpan.FromSeconds(5));
        options.MaxReconnectDelay.Should().Be(TimeSpan.FromMinutes(1));
        options.PingInterval.Should().Be(TimeSpan.FromSeconds(45));
        options.SendTimeout.Should().Be(TimeSpan.FromSeconds(20));
        options.VersionReply.Should().Be("clinic 1.0");
        options.ToString().Should().Be("clinicbot on irc.example.org:6697 (TLS)").And.NotContain("pw");
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new IrcOptions();

        options.Nick.Should().Be("rapidsms");
        options.RealName.Should().Be("RapidSms");
        options.FloodBurst.Should().Be(3);
        options.FloodInterval.Should().Be(TimeSpan.FromSeconds(2));
        options.EffectivePort.Should().Be(6667);
        options.UseTls = true;
        options.EffectivePort.Should().Be(6697);
    }

    [Theory]
    [InlineData("Server", null, "Server")]
    [InlineData("Nick", "9lives", "Nick")]
    [InlineData("PORT", "70000", "Port")]
    [InlineData("FLOOD_BURST", "0", "FloodBurst")]
    [InlineData("TLS_FINGERPRINT", "not-a-fingerprint", "TlsFingerprint")]
    public async Task Start_InvalidOption_FailsNamingTheOption(string key, string? value, string option)
    {
        var settings = Settings();
        settings.Remove($"RapidSms:Backends:irc:{key}");
        if (value is not null)
        {
            settings[$"RapidSms:Backends:irc:{key}"] = value;
        }

        using var host = Build(settings);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Contain("'irc'").And.Contain(option);
    }

    [Theory]
    [InlineData("CHANNELS:0", "rapidsms", "is not a channel")]
    [InlineData("CHANNELS:0", "#a key extra", "is not a channel")]
    [InlineData("SASL_ACCOUNT", "only-the-account", "SaslPassword")]
    public async Task Start_InconsistentOptions_FailsWithAClearMessage(string key, string value, string expected)
    {
        var settings = Settings();
        settings[$"RapidSms:Backends:irc:{key}"] = value;
        using var host = Build(settings);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Contain(expected);
    }

    [Fact]
    public async Task Start_ChannelWithoutPrefix_FailsWithTheDocumentedMessage()
    {
        var settings = Settings();
        settings["RapidSms:Backends:irc:Channels:0"] = "rapidsms";
        using var host = Build(settings);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<BackendConfigurationException>()).Which.Message.Should().Be(
            "Backend 'irc' (engine 'irc') rejected its options: 'rapidsms' is not a channel to join: write a channel name starting with #, &, + or !, optionally followed by a space and its key. (Parameter 'Channels')");
    }

    [Fact]
    public async Task SendAsync_InvalidIdentityAmongOthers_FailsAlonePermanently()
    {
        var server = new InMemoryIrcServer();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var host = Build(Settings(), server);
        await host.StartAsync(timeout.Token);
        var connection = await server.AcceptAsync(timeout.Token);
        await connection.RegisterAsync("rapidbot", timeout.Token);
        var router = host.Services.GetRequiredService<IRouter>();
        await router.GetBackend<IrcBackend>("irc").WaitUntilConnectedAsync(timeout.Token);

        var result = await router.SendOutgoingAsync(new OutgoingMessage([new Connection("irc", "alice"), new Connection("irc", "two words"), new Connection("irc", "#news")], "clinic opens at 9"), timeout.Token);

        result.Recipients.Select(r => (r.Identity, r.Succeeded, r.IsTransient)).Should().Equal(("alice", true, false), ("two words", false, false), ("#news", true, false));
        (await connection.ExpectAsync("PRIVMSG", timeout.Token)).Should().Be("PRIVMSG alice :clinic opens at 9");
        (await connection.ExpectAsync("PRIVMSG", timeout.Token)).Should().Be("PRIVMSG #news :clinic opens at 9");
        await host.StopAsync(timeout.Token);
        (await connection.ExpectAsync("QUIT", timeout.Token)).Should().Be("QUIT :Shutting down");
    }

    [Fact]
    public async Task SendAsync_ChannelField_SaysItInThatChannelAddressedToTheRecipient()
    {
        var server = new InMemoryIrcServer();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var host = Build(Settings(), server);
        await host.StartAsync(timeout.Token);
        var connection = await server.AcceptAsync(timeout.Token);
        await connection.RegisterAsync("rapidbot", timeout.Token);
        var router = host.Services.GetRequiredService<IRouter>();
        await router.GetBackend<IrcBackend>("irc").WaitUntilConnectedAsync(timeout.Token);
        var message = new OutgoingMessage(new Connection("irc", "alice"), "your results are ready");
        message.Fields[IrcFields.Channel] = "#clinic";

        var result = await router.SendOutgoingAsync(message, timeout.Token);

        result.Succeeded.Should().BeTrue();
        (await connection.ExpectAsync("PRIVMSG", timeout.Token)).Should().Be("PRIVMSG #clinic :alice: your results are ready");
        await host.StopAsync(timeout.Token);
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["RapidSms:Backends:irc:Engine"] = "irc",
        ["RapidSms:Backends:irc:Server"] = "irc.test",
        ["RapidSms:Backends:irc:Nick"] = "rapidbot",
        ["RapidSms:Backends:irc:FloodInterval"] = "00:00:00",
        ["RapidSms:Backends:irc:ReconnectDelay"] = "00:00:00.050",
    };

    private static IHost Build(Dictionary<string, string?> settings, IIrcConnectionFactory? factory = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        if (factory is not null)
        {
            builder.Services.AddSingleton(factory);
        }

        builder.Services.AddRapidSms(rapid => rapid.AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        return builder.Build();
    }
}
