using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>One mailbox from an address header: <c>"Name" &lt;user@example.org&gt;</c>.</summary>
/// <param name="Name">The display name, decoded, or empty.</param>
/// <param name="Address">The address, with its domain in lower case.</param>
internal sealed record MailboxAddress(string Name, string Address)
{
    /// <summary>
    /// Reads the first mailbox of an address list (From, Reply-To): display names quoted or not, encoded
    /// words, comments, group syntax. Returns <see langword="null"/> when there is no address at all.
    /// </summary>
    public static MailboxAddress? ParseFirst(string? value)
    {
        var all = ParseList(value);
        return all.Count == 0 ? null : all[0];
    }

    /// <summary>Reads every mailbox of an address list.</summary>
    public static IReadOnlyList<MailboxAddress> ParseList(string? value)
    {
        var result = new List<MailboxAddress>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return result;
        }

        var phrase = new StringBuilder();
        var bare = new StringBuilder();
        string? angle = null;
        var i = 0;
        void Flush()
        {
            var address = (angle ?? bare.ToString()).Trim();
            if (address.Contains('@', StringComparison.Ordinal) || (angle is not null && address.Length > 0))
            {
                var name = angle is null ? "" : EncodedWords.Decode(phrase.ToString().Trim());
                result.Add(new MailboxAddress(Collapse(name), Normalize(address)));
            }

            phrase.Clear();
            bare.Clear();
            angle = null;
        }

        while (i < value.Length)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                {
                    var end = i + 1;
                    var quoted = new StringBuilder();
                    while (end < value.Length && value[end] != '"')
                    {
                        if (value[end] == '\\' && end + 1 < value.Length)
                        {
                            end++;
                        }

                        quoted.Append(value[end]);
                        end++;
                    }

                    // Encoded words inside quotes are not allowed by the RFC, but mailers send them.
                    phrase.Append(quoted);
                    bare.Append('"').Append(quoted).Append('"');
                    i = end + 1;
                    continue;
                }

                case '(':
                {
                    var depth = 1;
                    i++;
                    while (i < value.Length && depth > 0)
                    {
                        if (value[i] == '\\')
                        {
                            i++;
                        }
                        else if (value[i] == '(')
                        {
                            depth++;
                        }
                        else if (value[i] == ')')
                        {
                            depth--;
                        }

                        i++;
                    }

                    continue;
                }

                case '<':
                {
                    var end = value.IndexOf('>', i + 1);
                    angle = end < 0 ? value[(i + 1)..] : value[(i + 1)..end];
                    i = end < 0 ? value.Length : end + 1;
                    continue;
                }

                case ',':
                case ';':
                    Flush();
                    i++;
                    continue;
                case ':':
                    // "Group name:" starts a group; what came before was its name, not an address.
                    phrase.Clear();
                    bare.Clear();
                    i++;
                    continue;
                default:
                    phrase.Append(c);
                    bare.Append(c);
                    i++;
                    continue;
            }
        }

        Flush();
        return result;
    }

    /// <summary>Formats the mailbox for a header, encoding a non-ASCII name.</summary>
    public string ToHeaderValue()
    {
        if (string.IsNullOrEmpty(Name))
        {
            return $"<{Address}>";
        }

        var name = EncodedWords.NeedsEncoding(Name)
            ? EncodedWords.Encode(Name)
            : "\"" + Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $"{name} <{Address}>";
    }

    private static string Normalize(string address)
    {
        // Strip a source route ("@a,@b:user@host") and whitespace; lower-case the domain, which is case-insensitive.
        var colon = address.LastIndexOf(':');
        if (address.StartsWith('@') && colon > 0)
        {
            address = address[(colon + 1)..];
        }

        address = string.Concat(address.Where(c => !char.IsWhiteSpace(c)));
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at] + address[at..].ToLowerInvariant();
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
