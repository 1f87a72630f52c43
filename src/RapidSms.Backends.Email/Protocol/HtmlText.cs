using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>Reduces HTML mail to the text a reader sees: no tags, scripts or styles; each block on a line of its own.</summary>
internal static partial class HtmlText
{
    /// <summary>Converts <paramref name="html"/> to plain text.</summary>
    public static string ToText(string html)
    {
        var text = Hidden().Replace(html, " ");
        text = Comment().Replace(text, " ");
        text = LineBreak().Replace(text, "\n");
        text = BlockEnd().Replace(text, "\n");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');

        var output = new StringBuilder(text.Length);
        foreach (var raw in text.Split('\n'))
        {
            // Blocks become lines; blank lines between them are dropped, as a short message wants.
            var line = Spaces().Replace(raw, " ").Trim();
            if (line.Length > 0)
            {
                output.Append(output.Length > 0 ? "\n" : "").Append(line);
            }
        }

        return output.ToString();
    }

    [GeneratedRegex(@"<(script|style|head|title)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"</?(p|div|tr|li|ul|ol|table|h[1-6]|blockquote|pre|section|article|header|footer)\b[^>]*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\r\f\v]+", RegexOptions.None, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Spaces();
}
