using RapidSms.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.RegularExpressions;
using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Handlers;

public sealed class HandlerTests
{
    private sealed class LightHandler() : KeywordHandler("light", "lamp")
    {
        public override string HelpText => "Send LIGHT ON or LIGHT OFF.";

        protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken)
        {
            message.Respond($"light is {text}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class SumHandler() : PatternHandler(@"^(\d+) plus (\d+)$")
    {
        protected override ValueTask HandleAsync(IncomingMessage message, Match match, CancellationToken cancellationToken)
        {
            message.Respond($"{int.Parse(match.Groups[1].Value) + int.Parse(match.Groups[2].Value)}");
            return ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData("light on", true, "on")]
    [InlineData("LIGHT on", true, "on")]
    [InlineData("  Light   on  ", true, "on")]
    [InlineData("light: on", true, "on")]
    [InlineData("light,on", true, "on")]
    [InlineData("light.", true, "")]
    [InlineData("light", true, "")]
    [InlineData("lamp off", true, "off")]
    [InlineData("light\non", true, "on")]
    [InlineData("lightning", false, "")]
    [InlineData("lights on", false, "")]
    [InlineData("the light", false, "")]
    [InlineData("", false, "")]
    public void Keyword_MatchesWholeWordCaseInsensitively(string text, bool matches, string rest)
    {
        var handler = new LightHandler();

        handler.TryMatch(text, out var actualRest).Should().Be(matches);
        actualRest.Should().Be(rest);
    }

    [Fact]
    public void Keyword_WithSpaces_MatchesAnyWhiteSpace_AndLongestSynonymWins()
    {
        var handler = new MultiHandler();

        handler.TryMatch("check   in now", out var rest).Should().BeTrue();
        rest.Should().Be("now");
        handler.TryMatch("register John", out rest).Should().BeTrue();
        rest.Should().Be("John");
        handler.TryMatch("reg John", out rest).Should().BeTrue();
        rest.Should().Be("John");
    }

    private sealed class MultiHandler() : KeywordHandler("reg", "register", "check in")
    {
        protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private static RouterFixture Create() => RouterFixture.Create(rapid => rapid
        .AddHandler<LightHandler>()
        .AddHandler<SumHandler>()
        .AddHandler<EchoHandler>()
        .AddHandler<PingHandler>()
        .AddHandler<HelpHandler>()
        .AddDefaultResponse("Sorry, I didn't understand.")
        .AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>()));

    private static async Task<string[]> Replies(RouterFixture fixture, string text)
    {
        var message = await fixture.Backend("a").InjectAsync("+256700000001", text);
        return message.Responses.Select(r => r.Text).ToArray();
    }

    [Theory]
    [InlineData("light on", "light is on")]
    [InlineData("LIGHT", "Send LIGHT ON or LIGHT OFF.")]
    [InlineData("2 plus 3", "5")]
    [InlineData("echo Habari yako? 👋", "Habari yako? 👋")]
    [InlineData("echo", "To echo some text, send: ECHO <ANYTHING>")]
    [InlineData("ping", "pong")]
    [InlineData("PING!", "pong")]
    [InlineData("help", "Available keywords: LIGHT, ECHO, PING, HELP. Send HELP <KEYWORD> for more.")]
    [InlineData("help light", "Send LIGHT ON or LIGHT OFF.")]
    [InlineData("help lamp", "Send LIGHT ON or LIGHT OFF.")]
    [InlineData("help fly", "Unknown keyword 'fly'. Available keywords: LIGHT, ECHO, PING, HELP.")]
    [InlineData("lightning", "Sorry, I didn't understand.")]
    public async Task Handlers_AnswerAsRapidSmsContribDoes(string text, string reply)
    {
        await using var fixture = Create();

        (await Replies(fixture, text)).Should().Equal(reply);
    }

    [Fact]
    public async Task Handlers_FirstMatchWins_AndMarksHandled()
    {
        await using var fixture = Create();

        var message = await fixture.Backend("a").InjectAsync("+1", "ping");

        message.Handled.Should().BeTrue();
        message.Responses.Should().ContainSingle();
    }

    [Fact]
    public void KeywordHandler_WithoutKeywords_Throws()
    {
        var act = () => new EmptyHandler();

        act.Should().Throw<ArgumentException>().WithMessage("A keyword handler needs at least one non-empty keyword.*");
    }

    private sealed class EmptyHandler() : KeywordHandler()
    {
        protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}

public sealed class MessageLogAppTests
{
    [Fact]
    public async Task MessageLog_LogsIncomingAndOutgoing()
    {
        var logs = new ListLoggerProvider();
        await using var fixture = RouterFixture.Create(
            rapid => rapid.AddMessageLog().AddHandler<PingHandler>().AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>()),
            services => services.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));

        var message = await fixture.Backend("a").InjectAsync("+256700000001", "ping");

        var entries = logs.Records.Where(e => e.Category == typeof(MessageLogApp).FullName).Select(e => e.Message).ToList();
        entries.Should().Contain($"In {message.Id} from a:+256700000001");
        entries.Should().Contain($"Out {message.Responses[0].Id} to a:+256700000001 in response to {message.Id}");
    }
}
