// The example in src/RapidSms.Testing/README.md, verbatim: ReadmeTests checks the two stay the same.
using RapidSms;
using RapidSms.Testing;
using Xunit;

namespace MyClinic.Tests;

public sealed class PingTests
{
    [Fact]
    public async Task Ping_RepliesPong()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var replies = await tester.SendAsync("+256700000001", "ping");

        Assert.Equal("pong", Assert.Single(replies));
    }

    [Fact]
    public async Task Conversation_FollowsScript()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid
            .AddHandler<PingHandler>()
            .AddDefaultResponse("Send PING."));

        await tester.RunScriptAsync("""
            +256700000001 > ping
            +256700000001 < pong
            +256700000001 > hello
            +256700000001 < Send PING.
            """);
    }
}
