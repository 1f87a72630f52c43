using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Integration;

/// <summary>TLS and the server password, against ngIRCd.</summary>
public sealed class IrcSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Tls_SelfSignedCertificatePinnedByFingerprint_ExchangesMessages()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Tls = true });
        await using var bot = await IrcBotHost.StartAsync(
            server,
            o =>
            {
                o.Nick = "rapidbot";
                o.UseTls = true;
                o.Port = server.TlsPort;
                o.TlsFingerprint = string.Join(':', server.CertificateFingerprint!.Chunk(2).Select(c => new string(c)));
            },
            timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);

        await alice.PrivmsgAsync("rapidbot", "echo over tls", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Last.Should().Be("over tls");
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcConnecting" && (bool?)r.GetStateValue("Tls") == true);
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Tls_UntrustedCertificateWithoutFingerprint_IsRefusedAndRetried()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Tls = true });
        await using var bot = await IrcBotHost.StartAsync(
            server,
            o => { o.Nick = "rapidbot"; o.UseTls = true; o.Port = server.TlsPort; },
            timeout.Token,
            waitUntilConnected: false);

        var refused = await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", timeout.Token);

        refused.Exception.Should().BeAssignableTo<System.Security.Authentication.AuthenticationException>();
        bot.Backend.IsConnected.Should().BeFalse();
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Sasl_ServerWithoutSasl_IsReportedAndTheBotDoesNotRegisterWithoutIt()
    {
        // ngIRCd negotiates capabilities but has no SASL: the bot must not go on unauthenticated.
        // The SASL exchange itself is covered against an in-memory server in IrcClientTests.
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(
            server,
            o => { o.Nick = "rapidbot"; o.SaslAccount = "rapidbot"; o.SaslPassword = "account-secret"; },
            timeout.Token,
            waitUntilConnected: false);

        var failed = await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcSaslFailed", timeout.Token);
        await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", timeout.Token);

        failed.Message.Should().Contain("does not offer SASL PLAIN");
        bot.Backend.IsConnected.Should().BeFalse();
        bot.Logs.Records.Should().NotContain(r => r.Message.Contains("account-secret", StringComparison.Ordinal));
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Password_SentWithPass_ServerAcceptsTheBot()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Password = "letmein" });
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Password = "letmein"; }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token, password: "letmein");

        await alice.PrivmsgAsync("rapidbot", "echo with password", timeout.Token);

        (await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token)).Last.Should().Be("with password");
        bot.Logs.Records.Should().NotContain(r => r.Message.Contains("letmein", StringComparison.Ordinal), "the password is never logged");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Password_Wrong_IsLoggedAndRetriedWithoutShowingIt()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Password = "letmein" });
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Password = "guessed"; }, timeout.Token, waitUntilConnected: false);

        // ngIRCd answers a wrong password with ERROR rather than the 464 numeric; either ends the attempt.
        var error = await bot.Logs.WaitForAsync(r => r.EventId.Name is "IrcServerError" or "IrcPasswordRejected", timeout.Token);
        await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", timeout.Token);

        error.Message.Should().ContainEquivalentOf("password");
        bot.Backend.IsConnected.Should().BeFalse();
        bot.Logs.Records.Should().NotContain(r => r.Message.Contains("guessed", StringComparison.Ordinal));
    }
}
