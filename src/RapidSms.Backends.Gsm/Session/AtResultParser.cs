using System.Globalization;

namespace RapidSms.Backends.Gsm.Session;

/// <summary>Recognises final result codes.</summary>
internal static class AtResultParser
{
    private static readonly string[] ErrorLines = ["ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE", "COMMAND NOT SUPPORT", "TOO MANY PARAMETERS"];

    public static bool TryParseFinal(string line, out AtResultKind kind, out int? code)
    {
        code = null;
        if (line == "OK")
        {
            kind = AtResultKind.Ok;
            return true;
        }

        if (line.StartsWith("+CMS ERROR:", StringComparison.Ordinal))
        {
            kind = AtResultKind.CmsError;
            code = ParseCode(line["+CMS ERROR:".Length..]) ?? Protocol.GsmErrorCodes.FindCode(cms: true, line["+CMS ERROR:".Length..].Trim());
            return true;
        }

        if (line.StartsWith("+CME ERROR:", StringComparison.Ordinal))
        {
            kind = AtResultKind.CmeError;
            code = ParseCode(line["+CME ERROR:".Length..]) ?? Protocol.GsmErrorCodes.FindCode(cms: false, line["+CME ERROR:".Length..].Trim());
            return true;
        }

        if (Array.IndexOf(ErrorLines, line) >= 0)
        {
            kind = AtResultKind.Error;
            return true;
        }

        kind = default;
        return false;
    }

    private static int? ParseCode(string text) =>
        int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
