using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RapidSms.Backends.Email.Tests;

/// <summary>Registration and configuration of the email engine.</summary>
public sealed class EmailOptionsTests
{
    private const string Json = """
        {
          "RapidSms": {
            "Backends": {
              "mail": {
                "ENGINE": "rapidsms.backends.email.EmailBackend",
                "IMAP_HOST": "imap.example.org",
                "IMAP_USER_NAME": "sms@example.org",
                "IMAP_PASSWORD": "app-password",
                "SMTP_HOST": "smtp.example.org",
                "SMTP_PORT": 465,
                "SMTP_SECURITY": "Tls",
                "FROM_ADDRESS": "sms@example.org",
                "FROM_NAME": "Clinic SMS",
                "POLL_INTERVAL": "00:00:30",
                "MAX_MESSAGE_SIZE": 262144
              },
              "second": { "ENGINE": "email", "ImapHost": "imap.example.net", "ImapUserName": "u", "ImapPassword": "p", "SmtpHost": "smtp.example.net", "FromAddress": "u@example.net" }
            }
          }
        }
        """;

    [Fact]
    public void AddBackends_RapidSmsStyleKeys_BindEmailOptionsPerBackend()
    {
        using var host = Build(Json);
        var options = host.Services.GetRequiredService<IOptionsMonitor<EmailOptions>>();

        var mail = options.Get("mail");
        mail.ImapHost.Should().Be("imap.example.org");
        mail.ImapPort.Should().Be(993);
        mail.ImapSecurity.Should().Be(EmailSecurity.Tls);
        mail.SmtpPort.Should().Be(465);
        mail.SmtpSecurity.Should().Be(EmailSecurity.Tls);
        mail.FromName.Should().Be("Clinic SMS");
        mail.PollInterval.Should().Be(TimeSpan.FromSeconds(30));
        mail.MaxMessageSize.Should().Be(262144);
        options.Get("second").SmtpHost.Should().Be("smtp.example.net");
        options.Get("second").SmtpPort.Should().Be(587);
    }

    [Fact]
    public async Task Start_MissingRequiredOption_FailsNamingTheBackendAndTheKey()
    {
        using var host = Build("""{ "RapidSms": { "Backends": { "mail": { "ENGINE": "email", "IMAP_HOST": "imap.example.org" } } } }""");

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<BackendConfigurationException>())
            .Which.Message.Should().Contain("'mail'").And.Contain("SmtpHost").And.Contain("FromAddress");
    }

    [Fact]
    public async Task Start_ReconnectDelaysTheWrongWayRound_Fails()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("mail", b => b.UseEmail(o =>
        {
            o.ImapHost = "imap.example.org";
            o.ImapUserName = "u";
            o.ImapPassword = "p";
            o.SmtpHost = "smtp.example.org";
            o.FromAddress = "u@example.org";
            o.ReconnectDelay = TimeSpan.FromMinutes(5);
            o.MaxReconnectDelay = TimeSpan.FromMinutes(1);
        })));
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("MaxReconnectDelay");
    }

    [Fact]
    public async Task Start_NeitherPasswordNorAccessTokenProvider_FailsNamingBoth()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("mail", b => b.UseEmail(o =>
        {
            o.ImapHost = "imap.example.org";
            o.ImapUserName = "u";
            o.SmtpHost = "smtp.example.org";
            o.FromAddress = "u@example.org";
        })));
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("ImapPassword").And.Contain("AccessTokenProvider");
    }

    [Fact]
    public void Bind_RapidSmsUsernameKey_IsAnErrorListingTheKnownOptions()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            """{ "b": { "mail": { "ENGINE": "rapidsms.backends.email", "username": "u@example.org" } } }"""))).Build();

        var register = () => builder.Services.AddRapidSms(rapid => rapid.AddBackends(configuration.GetSection("b")));

        register.Should().Throw<Exception>().Which.Message.Should().Contain("'username'").And.Contain("ImapUserName");
    }

    [Fact]
    public async Task Start_RapidSmsPollIntervalInSeconds_FailsValidationInsteadOfPollingEverySixtyDays()
    {
        using var host = Build("""
            { "RapidSms": { "Backends": { "mail": { "ENGINE": "email", "IMAP_HOST": "i.example.org", "IMAP_USER_NAME": "u",
              "IMAP_PASSWORD": "p", "SMTP_HOST": "s.example.org", "FROM_ADDRESS": "u@example.org", "POLL_INTERVAL": 60 } } } }
            """);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("PollInterval");
    }

    [Fact]
    public void Bind_UnknownKey_IsAnError()
    {
        using var host = Build("""{ "RapidSms": { "Backends": { "mail": { "ENGINE": "email", "IMAP_HOTS": "typo" } } } }""", expectFailure: true);
    }

    private static IHost Build(string json, bool expectFailure = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        _ = typeof(EmailBackend);
        var register = () => builder.Services.AddRapidSms(rapid => rapid.AddBackends(configuration.GetSection("RapidSms:Backends")));
        if (expectFailure)
        {
            register.Should().Throw<Exception>().Which.Message.Should().Contain("IMAP_HOTS");
            return builder.Build();
        }

        register();
        return builder.Build();
    }
}
