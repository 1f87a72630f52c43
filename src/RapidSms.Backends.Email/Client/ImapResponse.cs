using System.Text;

namespace RapidSms.Backends.Email.Client;

/// <summary>
/// One IMAP server response (RFC 3501 section 7): a tagged or untagged status ("A1 OK ...",
/// "* BYE ..."), untagged data ("* 3 FETCH (...)", "* SEARCH 1 2") as parsed tokens, or a
/// continuation ("+ ...").
/// </summary>
internal sealed class ImapResponse
{
    private static readonly string[] Statuses = ["OK", "NO", "BAD", "BYE", "PREAUTH"];

    private ImapResponse(string tag, IReadOnlyList<object?> tokens, string? status, string? code, string text)
    {
        Tag = tag;
        Tokens = tokens;
        Status = status;
        Code = code;
        Text = text;
    }

    /// <summary>"*" for untagged, "+" for a continuation, otherwise the command's tag.</summary>
    public string Tag { get; }

    /// <summary>
    /// For data responses, every token after the tag: <see cref="string"/> atoms and numbers,
    /// <see cref="byte"/> arrays for quoted strings and literals, <see cref="List{T}"/> for
    /// parenthesized lists, and <see langword="null"/> for NIL.
    /// </summary>
    public IReadOnlyList<object?> Tokens { get; }

    /// <summary>OK, NO, BAD, BYE or PREAUTH for status responses; otherwise <see langword="null"/>.</summary>
    public string? Status { get; }

    /// <summary>The response code in brackets ("UIDVALIDITY 3857529045"), if any.</summary>
    public string? Code { get; }

    /// <summary>The human-readable text of a status or continuation.</summary>
    public string Text { get; }

    /// <summary>True for an untagged response.</summary>
    public bool IsUntagged => Tag == "*";

    /// <summary>The first token as an atom (the data kind, such as "SEARCH" or a message number), or empty.</summary>
    public string Atom(int index) => index < Tokens.Count && Tokens[index] is string atom ? atom : "";

    /// <summary>Reads one response, including any literals it carries.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="maxLiteral">The largest literal accepted, in bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async ValueTask<ImapResponse> ReadAsync(MailConnection connection, int maxLiteral, CancellationToken cancellationToken)
    {
        var line = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var space = Array.IndexOf(line, (byte)' ');
        var tag = Encoding.ASCII.GetString(line, 0, space < 0 ? line.Length : space);
        var rest = space < 0 ? [] : line.AsSpan(space + 1);
        if (tag == "+")
        {
            return new ImapResponse(tag, [], null, null, Encoding.UTF8.GetString(rest));
        }

        // Status responses carry free text that is not tokenized.
        var firstSpace = rest.IndexOf((byte)' ');
        var first = Encoding.ASCII.GetString(firstSpace < 0 ? rest : rest[..firstSpace]).ToUpperInvariant();
        if (Statuses.Contains(first))
        {
            var text = firstSpace < 0 ? "" : Encoding.UTF8.GetString(rest[(firstSpace + 1)..]);
            string? code = null;
            if (text.StartsWith('['))
            {
                var close = text.IndexOf(']', StringComparison.Ordinal);
                if (close > 0)
                {
                    code = text[1..close];
                    text = text[(close + 1)..].TrimStart();
                }
            }

            return new ImapResponse(tag, [], first, code, text);
        }

        var tokenizer = new Tokenizer();
        var pending = rest.ToArray();
        while (true)
        {
            var literal = tokenizer.Feed(pending);
            if (literal < 0)
            {
                break;
            }

            if (literal > maxLiteral)
            {
                throw new IOException($"The IMAP server sent a literal of {literal} bytes, more than the {maxLiteral} accepted.");
            }

            tokenizer.AddLiteral(await connection.ReadBytesAsync(literal, cancellationToken).ConfigureAwait(false));
            pending = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }

        return new ImapResponse(tag, tokenizer.Complete(), null, null, "");
    }

    /// <summary>Parses one line (for tests): literals are not allowed.</summary>
    public static IReadOnlyList<object?> Tokenize(string text)
    {
        var tokenizer = new Tokenizer();
        if (tokenizer.Feed(Encoding.UTF8.GetBytes(text)) >= 0)
        {
            throw new FormatException("The line announces a literal.");
        }

        return tokenizer.Complete();
    }

    /// <summary>A token as text: atoms as they are, strings decoded as UTF-8, NIL as null.</summary>
    public static string? AsString(object? token) => token switch
    {
        string atom => atom,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => null,
    };

    private sealed class Tokenizer
    {
        private readonly Stack<List<object?>> _lists = new();
        private readonly List<object?> _root = [];

        private List<object?> Current => _lists.Count > 0 ? _lists.Peek() : _root;

        /// <summary>Tokenizes a line; returns the size of the literal it announces at its end, or -1.</summary>
        public int Feed(ReadOnlySpan<byte> line)
        {
            var i = 0;
            while (i < line.Length)
            {
                var b = line[i];
                switch (b)
                {
                    case (byte)' ':
                        i++;
                        break;
                    case (byte)'(':
                        var list = new List<object?>();
                        Current.Add(list);
                        _lists.Push(list);
                        i++;
                        break;
                    case (byte)')':
                        if (_lists.Count > 0)
                        {
                            _lists.Pop();
                        }

                        i++;
                        break;
                    case (byte)'"':
                    {
                        var value = new List<byte>();
                        i++;
                        while (i < line.Length && line[i] != (byte)'"')
                        {
                            if (line[i] == (byte)'\\' && i + 1 < line.Length)
                            {
                                i++;
                            }

                            value.Add(line[i]);
                            i++;
                        }

                        i++;
                        Current.Add(value.ToArray());
                        break;
                    }

                    case (byte)'{':
                    {
                        var close = line[i..].IndexOf((byte)'}');
                        if (close > 0 && i + close == line.Length - 1)
                        {
                            var digits = Encoding.ASCII.GetString(line[(i + 1)..(i + close)]).TrimEnd('+');
                            if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                            {
                                return size;
                            }
                        }

                        throw new IOException("The IMAP server sent a malformed literal.");
                    }

                    default:
                    {
                        var start = i;
                        while (i < line.Length && line[i] is not ((byte)' ' or (byte)'(' or (byte)')' or (byte)'"'))
                        {
                            if (line[i] == (byte)'[')
                            {
                                // Section specs ("BODY[HEADER.FIELDS (FROM)]") and response codes hold spaces and parentheses.
                                var close = line[i..].IndexOf((byte)']');
                                i = close < 0 ? line.Length : i + close + 1;
                                continue;
                            }

                            i++;
                        }

                        var atom = Encoding.UTF8.GetString(line[start..i]);
                        Current.Add(atom.Equals("NIL", StringComparison.OrdinalIgnoreCase) ? null : atom);
                        break;
                    }
                }
            }

            return -1;
        }

        public void AddLiteral(byte[] bytes) => Current.Add(bytes);

        public List<object?> Complete() => _root;
    }
}
