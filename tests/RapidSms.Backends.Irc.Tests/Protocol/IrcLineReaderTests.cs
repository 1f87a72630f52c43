using System.Buffers;
using System.Text;
using RapidSms.Backends.Irc.Protocol;

namespace RapidSms.Backends.Irc.Tests.Protocol;

public sealed class IrcLineReaderTests
{
    [Fact]
    public void TryReadLine_CrLfAndBareLf_BothEndALine()
    {
        var buffer = Sequence("PING a\r\nPING b\nPING c");
        var skipping = false;

        IrcLineReader.TryReadLine(ref buffer, out var first, ref skipping).Should().Be(IrcLineReader.Result.Line);
        IrcLineReader.TryReadLine(ref buffer, out var second, ref skipping).Should().Be(IrcLineReader.Result.Line);
        IrcLineReader.TryReadLine(ref buffer, out _, ref skipping).Should().Be(IrcLineReader.Result.Incomplete);

        Text(first).Should().Be("PING a");
        Text(second).Should().Be("PING b");
        Text(buffer).Should().Be("PING c");
    }

    [Fact]
    public void TryReadLine_LineSpreadOverSegments_IsReadWhole()
    {
        var buffer = Sequence("PRIV", "MSG bot :hel", "lo\r", "\n");
        var skipping = false;

        IrcLineReader.TryReadLine(ref buffer, out var line, ref skipping).Should().Be(IrcLineReader.Result.Line);

        Text(line).Should().Be("PRIVMSG bot :hello");
        buffer.Length.Should().Be(0);
    }

    [Fact]
    public void TryReadLine_OversizedLine_IsSkippedToItsEndAndTheNextLineIsRead()
    {
        var huge = new string('x', IrcLineReader.MaxLineBytes + 10);
        var skipping = false;
        var buffer = Sequence(huge);

        IrcLineReader.TryReadLine(ref buffer, out _, ref skipping).Should().Be(IrcLineReader.Result.Oversized);
        skipping.Should().BeTrue();

        buffer = Sequence("still the long line\r\nPING next\r\n");
        IrcLineReader.TryReadLine(ref buffer, out var next, ref skipping).Should().Be(IrcLineReader.Result.Line);

        Text(next).Should().Be("PING next");
        skipping.Should().BeFalse();
    }

    [Fact]
    public void TryReadLine_CompleteLineLongerThanLimit_IsReportedOversized()
    {
        var buffer = Sequence(new string('x', IrcLineReader.MaxLineBytes + 1) + "\r\nPING ok\r\n");
        var skipping = false;

        IrcLineReader.TryReadLine(ref buffer, out _, ref skipping).Should().Be(IrcLineReader.Result.Oversized);
        IrcLineReader.TryReadLine(ref buffer, out var next, ref skipping).Should().Be(IrcLineReader.Result.Line);

        Text(next).Should().Be("PING ok");
    }

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes.ToArray());

    private static ReadOnlySequence<byte> Sequence(params string[] parts)
    {
        if (parts.Length == 1)
        {
            return new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(parts[0]));
        }

        Segment? first = null;
        Segment? last = null;
        foreach (var part in parts)
        {
            var segment = new Segment(Encoding.UTF8.GetBytes(part), last);
            first ??= segment;
            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, Segment? previous)
        {
            Memory = bytes;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
