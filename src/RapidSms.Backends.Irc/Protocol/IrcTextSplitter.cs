using System.Globalization;
using System.Text;

namespace RapidSms.Backends.Irc.Protocol;

/// <summary>
/// Splits a text into pieces that each fit the byte budget of one IRC line, never inside a UTF-8
/// sequence, a surrogate pair or (when it fits) a user-perceived character such as an emoji with a skin
/// tone. Joining the pieces of one line gives the line back unchanged.
/// </summary>
internal static class IrcTextSplitter
{
    /// <summary>How far back from the budget a piece may end early to break before a space instead of inside a word.</summary>
    private const double WordBreakWindow = 0.3;

    /// <summary>
    /// Splits <paramref name="text"/> at its line breaks (IRC cannot carry CR or LF; empty lines are left
    /// out), then each line into pieces of at most <paramref name="maxBytes"/> UTF-8 bytes. A piece never
    /// ends with a space, because servers trim the end of a line: a break between words puts the space at
    /// the start of the next piece. NUL characters are removed.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="maxBytes">The byte budget of one piece; at least 4, the longest UTF-8 sequence.</param>
    public static List<string> Split(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4);
        var pieces = new List<string>();
        foreach (var range in text.AsSpan().SplitAny('\r', '\n'))
        {
            var line = text[range];
            if (line.Contains('\0', StringComparison.Ordinal))
            {
                line = line.Replace("\0", "", StringComparison.Ordinal);
            }

            if (line.Length > 0)
            {
                SplitLine(line, maxBytes, pieces);
            }
        }

        return pieces;
    }

    private static void SplitLine(string line, int maxBytes, List<string> pieces)
    {
        var start = 0;
        while (start < line.Length)
        {
            var end = FitEnd(line, start, maxBytes);
            if (end < line.Length)
            {
                end = PreferWordBreak(line, start, end);
            }

            pieces.Add(line[start..end]);
            start = end;
        }
    }

    /// <summary>The furthest end index from <paramref name="start"/> whose UTF-8 length fits, on a text-element boundary when possible.</summary>
    private static int FitEnd(string line, int start, int maxBytes)
    {
        var position = start;
        var bytes = 0;
        while (position < line.Length)
        {
            var length = StringInfo.GetNextTextElementLength(line, position);
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(position, length));
            if (bytes + size > maxBytes)
            {
                if (position == start)
                {
                    // One user-perceived character longer than the budget: split it between code points.
                    return FitRunes(line, start, maxBytes);
                }

                break;
            }

            bytes += size;
            position += length;
        }

        return position;
    }

    private static int FitRunes(string line, int start, int maxBytes)
    {
        var position = start;
        var bytes = 0;
        while (position < line.Length && Rune.DecodeFromUtf16(line.AsSpan(position), out var rune, out var consumed) is var status)
        {
            var size = status == System.Buffers.OperationStatus.Done ? rune.Utf8SequenceLength : 3; // a lone surrogate becomes U+FFFD
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            position += consumed;
        }

        return position;
    }

    /// <summary>Moves a break that falls inside a word back to before the last space, when that space is near the end.</summary>
    private static int PreferWordBreak(string line, int start, int end)
    {
        var window = Math.Max(1, (int)((end - start) * WordBreakWindow));
        for (var i = end; i > start && i >= end - window; i--)
        {
            if (line[i] == ' ')
            {
                // Break before the space run, so this piece does not end with a space.
                var cut = i;
                while (cut > start && line[cut - 1] == ' ')
                {
                    cut--;
                }

                return cut > start ? cut : end;
            }
        }

        // No space nearby: a hard break, moved back before any spaces it would leave at the end.
        var back = end;
        while (back > start && line[back - 1] == ' ')
        {
            back--;
        }

        return back > start ? back : end;
    }
}
