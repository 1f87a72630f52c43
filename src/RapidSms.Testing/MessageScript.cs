using System.Globalization;
using System.Text.RegularExpressions;

namespace RapidSms.Testing;

/// <summary>
/// Reads a message test script: <c>identity &gt; text</c> lines (the phone sends) and
/// <c>identity &lt; text</c> lines (the reply the phone should get), blank lines and <c>#</c> comments.
/// </summary>
internal static partial class MessageScript
{
    public static IReadOnlyList<ScriptLine> Parse(string script)
    {
        var lines = new List<ScriptLine>();
        var number = 0;
        foreach (var raw in script.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = LinePattern().Match(line);
            if (!match.Success)
            {
                throw new MessageTesterException(
                    string.Create(CultureInfo.InvariantCulture, $"Script line {number}: \"{line}\" is neither \"identity > text\" (the phone sends) nor \"identity < text\" (the reply it should get)."),
                    number,
                    expected: null,
                    actual: []);
            }

            lines.Add(new ScriptLine(
                number,
                match.Groups["identity"].Value,
                match.Groups["arrow"].Value == ">",
                match.Groups["text"].Value.Trim()));
        }

        return lines;
    }

    // The identity runs up to the first arrow or white space; the text is the rest of the line.
    [GeneratedRegex(@"^(?<identity>[^\s<>]+)\s*(?<arrow>[<>])(?<text>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LinePattern();

    /// <summary>One meaningful line of a script.</summary>
    /// <param name="Number">The 1-based line number.</param>
    /// <param name="Identity">The phone.</param>
    /// <param name="IsSend">Whether the phone sends (<c>&gt;</c>) rather than expects a reply (<c>&lt;</c>).</param>
    /// <param name="Text">The text, trimmed.</param>
    public sealed record ScriptLine(int Number, string Identity, bool IsSend, string Text)
    {
        public override string ToString() => $"{Identity} {(IsSend ? '>' : '<')} {Text}";
    }
}
