namespace RapidSms.Backends.Email.Protocol;

/// <summary>The header fields of a message or a MIME part, unfolded, in order.</summary>
internal sealed class MailHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    /// <summary>Every field in order, names as written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The first value of <paramref name="name"/> (case-insensitive), or <see langword="null"/>.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var field in _fields)
            {
                if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return field.Value;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Parses a header block. Field bodies are read as UTF-8 (RFC 6532) when valid and as Windows-1252
    /// otherwise; lines that are not fields are skipped, never fatal.
    /// </summary>
    public static MailHeaders Parse(ReadOnlySpan<byte> block)
    {
        var headers = new MailHeaders();
        string? name = null;
        var value = new System.Text.StringBuilder();
        while (!block.IsEmpty)
        {
            var lineEnd = block.IndexOf((byte)'\n');
            var line = lineEnd < 0 ? block : block[..lineEnd];
            block = lineEnd < 0 ? default : block[(lineEnd + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!line.IsEmpty && (line[0] == (byte)' ' || line[0] == (byte)'\t'))
            {
                if (name is not null)
                {
                    value.Append(Charsets.DecodeUnknown(line));
                }

                continue;
            }

            if (name is not null)
            {
                headers._fields.Add(new(name, value.ToString().Trim()));
                name = null;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            name = System.Text.Encoding.ASCII.GetString(line[..colon]).Trim();
            value.Clear().Append(Charsets.DecodeUnknown(line[(colon + 1)..]));
        }

        if (name is not null)
        {
            headers._fields.Add(new(name, value.ToString().Trim()));
        }

        return headers;
    }

    /// <summary>Adds a field (used by tests and the writer).</summary>
    public void Add(string name, string value) => _fields.Add(new(name, value));
}
