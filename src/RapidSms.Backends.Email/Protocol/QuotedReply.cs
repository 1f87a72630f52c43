using System.Text.RegularExpressions;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>
/// Finds where a reply ends and what it quotes begins: an attribution line ("On ... wrote:"), an
/// Outlook separator, a signature ("-- "), or a trailing block of "&gt;" lines.
/// </summary>
internal static partial class QuotedReply
{
    /// <summary>
    /// Returns the new text of a reply, without the earlier messages it quotes and without its signature;
    /// returns <paramref name="text"/> unchanged when that would leave nothing.
    /// </summary>
    public static string Strip(string text)
    {
        var lines = text.Split('\n');
        var cut = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line is "-- " or "--" || Separator().IsMatch(line) || IsAttribution(line)
                || (i + 1 < lines.Length && StartsAttribution().IsMatch(line) && IsAttribution(line + " " + lines[i + 1].Trim())))
            {
                cut = i;
                break;
            }
        }

        // A trailing block of quoted lines (and the blank lines around it).
        while (cut > 0 && (lines[cut - 1].StartsWith('>') || lines[cut - 1].Trim().Length == 0))
        {
            cut--;
        }

        var kept = string.Join('\n', lines.AsSpan(0, cut).ToArray()).Trim();
        return kept.Length == 0 ? text : kept;
    }

    private static bool IsAttribution(string line) => line.Length <= 400 && Attribution().IsMatch(line);

    [GeneratedRegex(@"^\s*(-{2,}\s*(Original Message|Message d'origine|Ursprüngliche Nachricht|Mensaje original|Mensagem original|Messaggio originale)\s*-{2,}|_{20,})\s*$", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Separator();

    [GeneratedRegex(@"^\s*(On|Le|Am|El|Em|Il|Op|Den|Dne|W dniu)\s", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex StartsAttribution();

    [GeneratedRegex(@"^\s*(On|Le|Am|El|Em|Il|Op|Den|Dne|W dniu)\s.*\b(wrote|a écrit|schrieb|escribió|escreveu|ha scritto|scrisse|schreef|skrev|napsal|napisał)\b[^:\n]{0,120}:\s*$", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Attribution();
}
