using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>A structured header value such as Content-Type: a main value and its parameters.</summary>
internal sealed class HeaderValue
{
    private HeaderValue(string value, Dictionary<string, string> parameters)
    {
        Value = value;
        Parameters = parameters;
    }

    /// <summary>The value before the first ";", lowercased ("text/plain", "attachment").</summary>
    public string Value { get; }

    /// <summary>Parameters by lowercased name, RFC 2231 continuations and charsets resolved.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>A parameter's value, or <see langword="null"/>.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses <paramref name="text"/>; <see langword="null"/> or garbage gives an empty value.</summary>
    public static HeaderValue Parse(string? text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new HeaderValue("", parameters);
        }

        var parts = Split(text);
        var extended = new SortedDictionary<string, SortedDictionary<int, (string Value, bool Encoded)>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < parts.Count; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = parts[i][..equals].Trim().ToLowerInvariant();
            var value = Unquote(parts[i][(equals + 1)..].Trim());

            // RFC 2231: name*=charset'lang'%XX, name*0=..., name*1*=...
            var star = name.IndexOf('*', StringComparison.Ordinal);
            if (star < 0)
            {
                parameters.TryAdd(name, EncodedWords.Decode(value));
                continue;
            }

            var baseName = name[..star];
            var rest = name[(star + 1)..];
            var encoded = rest.EndsWith('*') || rest.Length == 0;
            var indexText = rest.TrimEnd('*');
            var index = int.TryParse(indexText, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
            if (!extended.TryGetValue(baseName, out var pieces))
            {
                extended[baseName] = pieces = [];
            }

            pieces[index] = (value, encoded);
        }

        foreach (var (name, pieces) in extended)
        {
            Encoding? encoding = null;
            var bytes = new List<byte>();
            var first = true;
            foreach (var (_, (value, encoded)) in pieces)
            {
                var piece = value;
                if (first && encoded)
                {
                    var quote = piece.IndexOf('\'', StringComparison.Ordinal);
                    var second = quote < 0 ? -1 : piece.IndexOf('\'', quote + 1);
                    if (second > 0)
                    {
                        encoding = Charsets.Find(piece[..quote]);
                        piece = piece[(second + 1)..];
                    }
                }

                first = false;
                bytes.AddRange(encoded ? PercentDecode(piece) : Encoding.UTF8.GetBytes(piece));
            }

            parameters[name] = Charsets.Decode(bytes.ToArray(), encoding);
        }

        return new HeaderValue(parts[0].Trim().ToLowerInvariant(), parameters);
    }

    private static List<string> Split(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && quoted && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ';' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var builder = new StringBuilder(value.Length);
            for (var i = 1; i < value.Length - 1; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length - 1)
                {
                    i++;
                }

                builder.Append(value[i]);
            }

            return builder.ToString();
        }

        // Unquoted values end at the first space or comment.
        var end = value.IndexOfAny([' ', '(']);
        return end < 0 ? value : value[..end];
    }

    private static byte[] PercentDecode(string value)
    {
        var output = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && QuotedPrintable.IsHex((byte)value[i + 1]) && QuotedPrintable.IsHex((byte)value[i + 2]))
            {
                output.Add((byte)((QuotedPrintable.HexValue((byte)value[i + 1]) << 4) | QuotedPrintable.HexValue((byte)value[i + 2])));
                i += 2;
            }
            else
            {
                output.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return [.. output];
    }
}
