using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>Turns the bytes of a mail into a <see cref="ReceivedMail"/>: sender, subject, ids and the best text there is.</summary>
internal static partial class MailReader
{
    private static readonly string[] DateFormats =
    [
        "d MMM yyyy H:mm:ss zzz", "d MMM yyyy H:mm zzz", "d MMM yy H:mm:ss zzz", "d MMM yy H:mm zzz",
    ];

    /// <summary>Reads <paramref name="message"/>; never throws on malformed input.</summary>
    public static ReceivedMail Read(ReadOnlyMemory<byte> message)
    {
        var root = MimePart.Parse(message);
        var problems = new List<string>();
        var text = new StringBuilder();
        AppendText(root, text, problems);

        var headers = root.Headers;
        var autoSubmitted = headers["Auto-Submitted"]?.Trim().ToLowerInvariant();
        var precedence = headers["Precedence"]?.Trim().ToLowerInvariant();
        var isAutomatic = (autoSubmitted is not null && autoSubmitted != "no")
            || precedence is "bulk" or "junk" or "list"
            || root.MediaType == "multipart/report"
            || headers["Return-Path"]?.Trim() == "<>";

        return new ReceivedMail
        {
            From = MailboxAddress.ParseFirst(headers["From"]) ?? MailboxAddress.ParseFirst(headers["Sender"]),
            ReplyTo = MailboxAddress.ParseFirst(headers["Reply-To"]),
            Subject = Collapse(EncodedWords.Decode(headers["Subject"] ?? "")),
            MessageId = First(MessageIds(headers["Message-ID"])),
            InReplyTo = First(MessageIds(headers["In-Reply-To"])),
            References = MessageIds(headers["References"]),
            Date = ParseDate(headers["Date"]),
            Text = NormalizeText(text.ToString()),
            IsAutomatic = isAutomatic,
            Problems = problems,
        };
    }

    /// <summary>The message ids ("&lt;...&gt;") in a header value, in order.</summary>
    public static IReadOnlyList<string> MessageIds(string? value)
    {
        var ids = new List<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return ids;
        }

        var position = 0;
        while (position < value.Length)
        {
            var start = value.IndexOf('<', position);
            var end = start < 0 ? -1 : value.IndexOf('>', start);
            if (end < 0)
            {
                break;
            }

            var id = string.Concat(value.AsSpan(start, end - start + 1).ToString().Where(c => !char.IsWhiteSpace(c)));
            if (id.Length > 2)
            {
                ids.Add(id);
            }

            position = end + 1;
        }

        // A bare id without brackets, as some mailers write it.
        if (ids.Count == 0 && value.Trim() is { Length: > 0 } bare && !bare.Contains(' ', StringComparison.Ordinal))
        {
            ids.Add("<" + bare + ">");
        }

        return ids;
    }

    /// <summary>Parses an RFC 5322 date, with the obsolete forms mailers still send.</summary>
    public static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = Comment().Replace(value, " ").Trim();
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            text = text[(comma + 1)..].Trim();
        }

        text = Spaces().Replace(text, " ");
        var lastSpace = text.LastIndexOf(' ');
        if (lastSpace > 0)
        {
            var zone = text[(lastSpace + 1)..];
            var offset = zone.ToUpperInvariant() switch
            {
                "UT" or "GMT" or "Z" => "+00:00",
                "EST" => "-05:00",
                "EDT" => "-04:00",
                "CST" => "-06:00",
                "CDT" => "-05:00",
                "MST" => "-07:00",
                "MDT" => "-06:00",
                "PST" => "-08:00",
                "PDT" => "-07:00",
                _ when zone.Length == 5 && zone[0] is '+' or '-' => zone[..3] + ":" + zone[3..],
                _ => null,
            };
            if (offset is not null)
            {
                text = text[..lastSpace] + " " + offset;
            }
        }

        return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date)
            ? date
            : null;
    }

    private static void AppendText(MimePart part, StringBuilder text, List<string> problems)
    {
        if (part.Truncated)
        {
            problems.Add($"The {part.MediaType} part does not end with its closing boundary.");
        }

        if (part.Children.Count > 0)
        {
            if (part.MediaType == "multipart/alternative")
            {
                // Prefer plain text; fall back to HTML, then to whatever alternative yields text.
                var choice = part.Children.FirstOrDefault(c => Contains(c, "text/plain"))
                    ?? part.Children.FirstOrDefault(c => Contains(c, "text/html"))
                    ?? part.Children[0];
                AppendText(choice, text, problems);
                return;
            }

            var children = part.MediaType == "multipart/related" ? part.Children.Take(1) : part.Children;
            foreach (var child in children)
            {
                if (!child.IsAttachment)
                {
                    AppendText(child, text, problems);
                }
            }

            return;
        }

        if (part.MediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            problems.Add($"The {part.MediaType} part has no boundary or no parts; its body is read as text.");
            AppendBody(part, text, problems, html: false);
            return;
        }

        if (part.IsAttachment || part.IsEnclosedMessage)
        {
            // A forwarded mail (message/rfc822) is what the sender passes on, not what they wrote: its
            // text is never taken for the body, even when it is the only text there is.
            return;
        }

        if (part.MediaType == "text/plain")
        {
            AppendBody(part, text, problems, html: false);
        }
        else if (part.MediaType == "text/html")
        {
            AppendBody(part, text, problems, html: true);
        }
    }

    private static bool Contains(MimePart part, string mediaType) =>
        part.Children.Count == 0 ? part.MediaType == mediaType && !part.IsAttachment : part.Children.Any(c => Contains(c, mediaType));

    private static void AppendBody(MimePart part, StringBuilder text, List<string> problems, bool html)
    {
        var bytes = part.DecodeBody();
        var charset = part.ContentType["charset"];
        var encoding = Charsets.Find(charset);
        if (encoding is null && !string.IsNullOrWhiteSpace(charset))
        {
            problems.Add($"Unknown charset '{charset}'; the text was read as UTF-8 or Windows-1252.");
        }

        var body = Charsets.Decode(bytes, encoding);
        if (html)
        {
            try
            {
                body = HtmlText.ToText(body);
            }
            catch (RegexMatchTimeoutException)
            {
                problems.Add("The HTML body was too complex to reduce to text; its tags were kept.");
            }
        }
        else if (string.Equals(part.ContentType["format"], "flowed", StringComparison.OrdinalIgnoreCase))
        {
            body = Unflow(body, string.Equals(part.ContentType["delsp"], "yes", StringComparison.OrdinalIgnoreCase));
        }

        if (text.Length > 0 && body.Trim().Length > 0)
        {
            text.Append('\n');
        }

        text.Append(body);
    }

    private static string Unflow(string body, bool deleteSpace)
    {
        // RFC 3676: a line ending in a space continues on the next line; a leading space was stuffed.
        var output = new StringBuilder(body.Length);
        foreach (var raw in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.StartsWith(' ') ? raw[1..] : raw;
            if (line.EndsWith(' ') && line != "-- ")
            {
                output.Append(deleteSpace ? line[..^1] : line);
            }
            else
            {
                output.Append(line).Append('\n');
            }
        }

        return output.ToString();
    }

    private static string? First(IReadOnlyList<string> ids) => ids.Count == 0 ? null : ids[0];

    private static string NormalizeText(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    private static string Collapse(string text) =>
        string.Join(' ', text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"\([^()]*\)", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Spaces();
}
