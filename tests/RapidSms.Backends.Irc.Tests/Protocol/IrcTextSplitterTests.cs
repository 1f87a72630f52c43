using System.Text;
using RapidSms.Backends.Irc.Protocol;
using RapidSms.Backends.Irc.Tests.Infrastructure;

namespace RapidSms.Backends.Irc.Tests.Protocol;

public sealed class IrcTextSplitterTests
{
    [Fact]
    public void Split_ShortText_IsOnePiece()
    {
        IrcTextSplitter.Split("hello", 400).Should().Equal("hello");
    }

    [Theory]
    [InlineData(100)]
    [InlineData(399)]
    [InlineData(400)]
    [InlineData(437)]
    public void Split_LongMixedText_PiecesFitAndJoinBackExactly(int budget)
    {
        var text = ScriptedApp.LongText(2000);

        var pieces = IrcTextSplitter.Split(text, budget);

        pieces.Should().OnlyContain(p => Encoding.UTF8.GetByteCount(p) <= budget);
        pieces.Should().OnlyContain(p => !p.EndsWith(' '), "servers trim a line's end");
        string.Concat(pieces).Should().Be(text);
        pieces.Should().OnlyContain(p => !char.IsLowSurrogate(p[0]) && !char.IsHighSurrogate(p[p.Length - 1]));
    }

    [Fact]
    public void Split_TwoByteCharacters_NeverSplitsASequence()
    {
        var text = new string('é', 300); // 600 bytes

        var pieces = IrcTextSplitter.Split(text, 101);

        pieces.Should().OnlyContain(p => Encoding.UTF8.GetByteCount(p) == 100);
        string.Concat(pieces).Should().Be(text);
    }

    [Fact]
    public void Split_EmojiWithSkinTone_StaysInOnePiece()
    {
        var text = new string('a', 8) + "👋🏽" + "b"; // the emoji is 8 bytes

        var pieces = IrcTextSplitter.Split(text, 12);

        pieces.Should().Equal(new string('a', 8), "👋🏽b");
    }

    [Fact]
    public void Split_CharacterLongerThanBudget_IsSplitBetweenCodePoints()
    {
        var pieces = IrcTextSplitter.Split("👋🏽👋🏽", 4);

        pieces.Should().Equal("👋", "🏽", "👋", "🏽");
    }

    [Fact]
    public void Split_WordsNearTheBudget_BreaksBeforeTheSpace()
    {
        var pieces = IrcTextSplitter.Split("aaaa bbbb cccc", 12);

        pieces.Should().Equal("aaaa bbbb", " cccc");
    }

    [Fact]
    public void Split_LineBreaks_StartNewPiecesAndEmptyLinesAreLeftOut()
    {
        IrcTextSplitter.Split("first\r\nsecond\n\nthird\r", 100).Should().Equal("first", "second", "third");
    }

    [Fact]
    public void Split_NothingToSay_IsNoPieces()
    {
        IrcTextSplitter.Split("\r\n\n", 100).Should().BeEmpty();
        IrcTextSplitter.Split("", 100).Should().BeEmpty();
    }

    [Fact]
    public void Split_Nul_IsRemoved()
    {
        IrcTextSplitter.Split("a\0b", 100).Should().Equal("ab");
    }
}
