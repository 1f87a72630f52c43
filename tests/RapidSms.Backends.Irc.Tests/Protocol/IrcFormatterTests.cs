using System.Text;
using RapidSms.Backends.Irc.Protocol;

namespace RapidSms.Backends.Irc.Tests.Protocol;

public sealed class IrcFormatterTests
{
    [Theory]
    [InlineData("hello", "PRIVMSG bot hello\r\n")]
    [InlineData("hello world", "PRIVMSG bot :hello world\r\n")]
    [InlineData(":-)", "PRIVMSG bot ::-)\r\n")]
    [InlineData("", "PRIVMSG bot :\r\n")]
    public void Format_LastParameter_IsTrailingOnlyWhenItMustBe(string text, string expected)
    {
        Encoding.UTF8.GetString(IrcFormatter.Format("PRIVMSG", "bot", text)).Should().Be(expected);
    }

    [Fact]
    public void Format_UserCommand_WritesEveryParameter()
    {
        Encoding.UTF8.GetString(IrcFormatter.Format("USER", "bot", "0", "*", "RapidSms bot")).Should().Be("USER bot 0 * :RapidSms bot\r\n");
    }

    [Theory]
    [InlineData("line\r\nQUIT")]
    [InlineData("line\nbreak")]
    [InlineData("nul\0")]
    public void Format_LineBreakOrNulInAParameter_Throws(string text)
    {
        var format = () => IrcFormatter.Format("PRIVMSG", "bot", text);

        format.Should().Throw<ArgumentException>().WithMessage("*line break or NUL*");
    }

    [Theory]
    [InlineData("two words")]
    [InlineData(":colon")]
    [InlineData("")]
    public void Format_MiddleParameterThatOnlyTrailingMayBe_Throws(string target)
    {
        var format = () => IrcFormatter.Format("PRIVMSG", target, "text");

        format.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Format_LineOf512BytesWithCrLf_IsAcceptedAnd513Rejected()
    {
        var fits = "a " + new string('a', 512 - "PRIVMSG bot :".Length - 2 - 2);

        IrcFormatter.Format("PRIVMSG", "bot", fits).Should().HaveCount(512);
        var tooLong = () => IrcFormatter.Format("PRIVMSG", "bot", fits + "a");
        tooLong.Should().Throw<ArgumentException>().WithMessage("*513 bytes*");
    }

    [Fact]
    public void Format_MultibyteText_CountsBytesNotCharacters()
    {
        var text = "é " + new string('é', 250); // 3 + 500 bytes, 518 with the command and CR LF

        var format = () => IrcFormatter.Format("PRIVMSG", "bot", text);

        format.Should().Throw<ArgumentException>().WithMessage("*518 bytes*");
    }
}
