using System.Globalization;
using System.Text;

namespace RapidSms.Backends.Gsm.Session;

/// <summary>Reads the comma-separated, optionally quoted values of AT response lines.</summary>
internal static class AtParsing
{
    /// <summary>Splits <c>+CMGL: 0,"REC UNREAD","+2774",,"13/01/28,14:51:42+08"</c> after the colon into its values, quotes removed.</summary>
    public static List<string> Values(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var text = colon >= 0 && line.StartsWith('+') ? line[(colon + 1)..] : line;
        var values = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                values.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        values.Add(current.ToString().Trim());
        return values;
    }

    public static int? Int(IReadOnlyList<string> values, int index) =>
        index < values.Count && int.TryParse(values[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reads a text-mode timestamp <c>yy/MM/dd,HH:mm:ss±zz</c> (zz in quarter hours).</summary>
    public static DateTimeOffset? TextTimestamp(string value)
    {
        if (value.Length < 17)
        {
            return null;
        }

        var main = value[..17];
        if (!DateTime.TryParseExact(main, "yy/MM/dd,HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var offset = TimeSpan.Zero;
        if (value.Length > 18 && int.TryParse(value.AsSpan(18), NumberStyles.Integer, CultureInfo.InvariantCulture, out var quarters))
        {
            offset = TimeSpan.FromMinutes(quarters * 15 * (value[17] == '-' ? -1 : 1));
        }

        return new DateTimeOffset(local, offset);
    }

    /// <summary>The quoted names in the first parenthesised group of a range answer, such as <c>("SM","ME"),("SM")</c>; empty when there is none.</summary>
    public static IReadOnlyList<string> FirstGroup(string value)
    {
        var open = value.IndexOf('(', StringComparison.Ordinal);
        var close = open < 0 ? -1 : value.IndexOf(')', open);
        if (close < 0)
        {
            return [];
        }

        return [.. value[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim('"'))];
    }
}
