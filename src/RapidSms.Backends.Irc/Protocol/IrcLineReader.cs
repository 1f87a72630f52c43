using System.Buffers;

namespace RapidSms.Backends.Irc.Protocol;

/// <summary>Cuts a byte stream into IRC lines, ended by CR LF or (tolerated) a bare LF.</summary>
internal static class IrcLineReader
{
    /// <summary>
    /// The longest line accepted, line ending excluded: 512 bytes for the message (RFC 2812) plus 8,191 for
    /// IRCv3 tags. A longer line is a protocol error.
    /// </summary>
    public const int MaxLineBytes = 512 + 8191;

    /// <summary>The outcome of <see cref="TryReadLine"/>.</summary>
    public enum Result
    {
        /// <summary>No complete line in the buffer yet.</summary>
        Incomplete,

        /// <summary>A line was read (it may be empty).</summary>
        Line,

        /// <summary>A line longer than <see cref="MaxLineBytes"/> was skipped up to its end.</summary>
        Oversized,
    }

    /// <summary>
    /// Reads one line from the start of <paramref name="buffer"/> and moves <paramref name="buffer"/> past it.
    /// A trailing CR before the LF is removed. When no line ending is found within
    /// <see cref="MaxLineBytes"/>, the caller should keep reading with <paramref name="skipping"/> set, so
    /// the rest of the oversized line is thrown away.
    /// </summary>
    /// <param name="buffer">The unread bytes; advanced past what was consumed.</param>
    /// <param name="line">The line without its ending, when the result is <see cref="Result.Line"/>.</param>
    /// <param name="skipping">True while the rest of an oversized line is being skipped; updated.</param>
    public static Result TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line, ref bool skipping)
    {
        line = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> content, (byte)'\n', advancePastDelimiter: true))
        {
            if (buffer.Length > MaxLineBytes || skipping)
            {
                // Nothing useful can come of this line: drop what we have and skip to its end.
                buffer = buffer.Slice(buffer.End);
                if (!skipping)
                {
                    skipping = true;
                    return Result.Oversized;
                }
            }

            return Result.Incomplete;
        }

        buffer = buffer.Slice(reader.Position);
        if (skipping)
        {
            skipping = false;
            return TryReadLine(ref buffer, out line, ref skipping);
        }

        if (content.Length > 0)
        {
            var last = content.Slice(content.Length - 1);
            if (last.FirstSpan[0] == (byte)'\r')
            {
                content = content.Slice(0, content.Length - 1);
            }
        }

        if (content.Length > MaxLineBytes)
        {
            return Result.Oversized;
        }

        line = content;
        return Result.Line;
    }
}
