namespace RapidSms.Backends.Email.Protocol;

/// <summary>
/// One node of a parsed message: its headers, and either its children (multipart) or its still-encoded
/// body. Bodies are decoded only when their text is wanted, so a large attachment costs no more than
/// its bytes.
/// </summary>
internal sealed class MimePart
{
    /// <summary>How deeply multiparts may nest before the rest is treated as an opaque body.</summary>
    public const int MaxDepth = 24;

    /// <summary>How many parts one message may have before the rest is ignored.</summary>
    public const int MaxParts = 1000;

    private readonly string _defaultType;

    private MimePart(MailHeaders headers, ReadOnlyMemory<byte> body, string defaultType)
    {
        Headers = headers;
        Body = body;
        ContentType = HeaderValue.Parse(headers["Content-Type"]);
        Disposition = HeaderValue.Parse(headers["Content-Disposition"]);
        _defaultType = defaultType;
    }

    /// <summary>The part's header fields.</summary>
    public MailHeaders Headers { get; }

    /// <summary>The body as transferred (still in its Content-Transfer-Encoding).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The parsed Content-Type; an empty value means the RFC default, text/plain.</summary>
    public HeaderValue ContentType { get; }

    /// <summary>The parsed Content-Disposition.</summary>
    public HeaderValue Disposition { get; }

    /// <summary>
    /// The media type, lowercased; when missing or malformed, the RFC 2046 default: message/rfc822 inside a
    /// multipart/digest, text/plain everywhere else.
    /// </summary>
    public string MediaType => ContentType.Value.Contains('/', StringComparison.Ordinal) ? ContentType.Value : _defaultType;

    /// <summary>True for a mail carried whole inside this one (a forward as attachment, a digest entry).</summary>
    public bool IsEnclosedMessage => MediaType is "message/rfc822" or "message/global";

    /// <summary>The parts of a multipart, in order; empty otherwise.</summary>
    public IReadOnlyList<MimePart> Children { get; private set; } = [];

    /// <summary>True for a multipart whose boundary never closed (the message was cut short or is broken).</summary>
    public bool Truncated { get; private set; }

    /// <summary>True when the part is an attachment rather than something to show inline.</summary>
    public bool IsAttachment =>
        Disposition.Value == "attachment"
        || (Disposition.Value != "inline" && (Disposition["filename"] is not null || ContentType["name"] is not null) && !MediaType.StartsWith("text/", StringComparison.Ordinal));

    /// <summary>Parses a whole message (or part); never throws on malformed input.</summary>
    public static MimePart Parse(ReadOnlyMemory<byte> message)
    {
        var count = 0;
        return Parse(message, depth: 0, "text/plain", ref count);
    }

    /// <summary>The body with its transfer encoding removed.</summary>
    public byte[] DecodeBody()
    {
        var encoding = Headers["Content-Transfer-Encoding"]?.Trim().ToLowerInvariant();
        return encoding switch
        {
            "base64" => Base64.Decode(Body.Span),
            "quoted-printable" => QuotedPrintable.Decode(Body.Span),
            _ => Body.ToArray(),
        };
    }

    private static MimePart Parse(ReadOnlyMemory<byte> message, int depth, string defaultType, ref int count)
    {
        count++;
        var span = message.Span;
        var (headerLength, bodyStart) = FindBody(span);
        var part = new MimePart(MailHeaders.Parse(span[..headerLength]), message[bodyStart..], defaultType);
        var boundary = part.ContentType["boundary"];
        if (!part.MediaType.StartsWith("multipart/", StringComparison.Ordinal) || string.IsNullOrEmpty(boundary) || depth >= MaxDepth)
        {
            return part;
        }

        var children = new List<MimePart>();
        var childType = part.MediaType == "multipart/digest" ? "message/rfc822" : "text/plain";
        var bodies = Split(part.Body, System.Text.Encoding.UTF8.GetBytes("--" + boundary), out var closed);
        foreach (var body in bodies)
        {
            if (count >= MaxParts)
            {
                break;
            }

            children.Add(Parse(body, depth + 1, childType, ref count));
        }

        part.Children = children;
        part.Truncated = !closed;
        return part;
    }

    private static (int HeaderLength, int BodyStart) FindBody(ReadOnlySpan<byte> span)
    {
        // A part may start with its blank line at once (no headers at all).
        if (span.StartsWith("\r\n"u8))
        {
            return (0, 2);
        }

        if (span.StartsWith("\n"u8))
        {
            return (0, 1);
        }

        var position = 0;
        while (position < span.Length)
        {
            var lineEnd = span[position..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return (span.Length, span.Length);
            }

            var next = position + lineEnd + 1;
            if (next < span.Length && span[next] == (byte)'\n')
            {
                return (next, next + 1);
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                return (next, next + 2);
            }

            position = next;
        }

        return (span.Length, span.Length);
    }

    private static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, byte[] delimiter, out bool closed)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var span = body.Span;
        var position = 0;
        var partStart = -1;
        closed = false;
        while (position <= span.Length)
        {
            var lineEnd = span[position..].IndexOf((byte)'\n');
            var end = lineEnd < 0 ? span.Length : position + lineEnd;
            var line = span[position..end];
            if (line.StartsWith(delimiter))
            {
                var rest = line[delimiter.Length..];
                var isClose = rest.StartsWith("--"u8);
                var tail = isClose ? rest[2..] : rest;
                if (tail.Trim(" \t\r"u8).IsEmpty)
                {
                    if (partStart >= 0)
                    {
                        // The line break before a delimiter belongs to the delimiter.
                        var partEnd = position;
                        if (partEnd > partStart && span[partEnd - 1] == (byte)'\n')
                        {
                            partEnd--;
                            if (partEnd > partStart && span[partEnd - 1] == (byte)'\r')
                            {
                                partEnd--;
                            }
                        }

                        parts.Add(body[partStart..partEnd]);
                    }

                    if (isClose)
                    {
                        closed = true;
                        return parts;
                    }

                    partStart = Math.Min(end + 1, span.Length);
                }
            }

            if (lineEnd < 0)
            {
                break;
            }

            position = end + 1;
        }

        // No closing delimiter: the last part runs to the end of what we have.
        if (partStart >= 0 && partStart < span.Length)
        {
            parts.Add(body[partStart..]);
        }

        return parts;
    }
}
