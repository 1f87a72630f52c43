using System.Text;
using RapidSms.Backends.Irc.Protocol;

namespace RapidSms.Backends.Irc.Tests.Protocol;

public sealed class IrcParserTests
{
    [Fact]
    public void Parse_PrivmsgWithPrefixAndTrailing_ReadsEveryPart()
    {
        var message = IrcParser.Parse(":alice!~alice@127.0.0.1 PRIVMSG #rapidsms :rapidbot: hello there");

        message.Prefix.Should().Be("alice!~alice@127.0.0.1");
        message.SourceNick.Should().Be("alice");
        message.Command.Should().Be("PRIVMSG");
        message.Parameters.Should().Equal("#rapidsms", "rapidbot: hello there");
        message.Tags.Should().BeEmpty();
    }

    [Fact]
    public void Parse_NumericWithMiddleParametersAndTrailing_KeepsOrder()
    {
        var message = IrcParser.Parse(":irc.example.org 005 bot CHANTYPES=# NICKLEN=30 :are supported by this server");

        message.Command.Should().Be("005");
        message.Parameters.Should().Equal("bot", "CHANTYPES=#", "NICKLEN=30", "are supported by this server");
        message.SourceNick.Should().Be("irc.example.org");
    }

    [Fact]
    public void Parse_NoPrefixNoTrailing_ReadsMiddleParameters()
    {
        var message = IrcParser.Parse("PING irc.example.org");

        message.Prefix.Should().BeNull();
        message.Parameters.Should().Equal("irc.example.org");
    }

    [Theory]
    [InlineData("PRIVMSG bot :", "")]
    [InlineData("PRIVMSG bot ::-)", ":-)")]
    [InlineData("PRIVMSG bot :  two leading spaces", "  two leading spaces")]
    [InlineData("PRIVMSG   bot   :spaced", "spaced")]
    public void Parse_Trailing_IsTakenVerbatim(string line, string trailing)
    {
        IrcParser.Parse(line).Parameters[^1].Should().Be(trailing);
    }

    [Fact]
    public void Parse_Ircv3Tags_AreReadAndUnescaped()
    {
        var message = IrcParser.Parse(@"@time=2026-01-01T00:00:00.000Z;msgid=abc;+example/x=a\sb\:c\\d\r\n;flag :alice!a@h PRIVMSG bot :hi");

        message.Tags.Should().Contain("time", "2026-01-01T00:00:00.000Z")
            .And.Contain("msgid", "abc")
            .And.Contain("+example/x", "a b;c\\d\r\n")
            .And.Contain("flag", "");
        message.Command.Should().Be("PRIVMSG");
        message.Parameters.Should().Equal("bot", "hi");
    }

    [Fact]
    public void Parse_LowerCaseCommand_IsUpperCased()
    {
        IrcParser.Parse("privmsg bot :hi").Command.Should().Be("PRIVMSG");
    }

    [Theory]
    [InlineData("")]
    [InlineData(":prefix.only")]
    [InlineData("@tags=only")]
    [InlineData(": PRIVMSG bot :x")]
    [InlineData("PRIV-MSG bot :x")]
    public void Parse_Malformed_ThrowsFormatException(string line)
    {
        var parse = () => IrcParser.Parse(line);

        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void Parse_Utf8Bytes_DecodesUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes(":a!b@c PRIVMSG bot :Ça va, مرحبا 👋");

        IrcParser.Parse(bytes).Parameters[^1].Should().Be("Ça va, مرحبا 👋");
    }

    [Fact]
    public void Parse_Latin1Bytes_FallsBackToLatin1WithoutLosingCharacters()
    {
        var bytes = Encoding.Latin1.GetBytes(":a!b@c PRIVMSG bot :Ça va très bien");

        IrcParser.Parse(bytes).Parameters[^1].Should().Be("Ça va très bien");
    }

    [Fact]
    public void ToString_Message_WritesItBackAsALine()
    {
        IrcParser.Parse(":a!b@c PRIVMSG #x :hello world").ToString().Should().Be(":a!b@c PRIVMSG #x :hello world");
    }
}
