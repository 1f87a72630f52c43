using System.Text;

namespace RapidSms.Backends.Http.Protocol;

/// <summary>
/// A text with placeholders, such as <c>https://gw.example/send?to={identity}</c>, parsed once when
/// the backend is configured and filled in for every recipient.
/// </summary>
/// <remarks>
/// Placeholders: <c>{identity}</c> (the recipient), <c>{text}</c> (the message text), <c>{id}</c> (our
/// message id) and <c>{backend}</c> (the backend's name). <c>{{</c> and <c>}}</c> stand for literal braces.
/// Any other name in braces is a configuration error, reported when the host starts.
/// </remarks>
internal sealed class MessageTemplate
{
    private readonly Part[] _parts;

    private MessageTemplate(Part[] parts, string source)
    {
        _parts = parts;
        Source = source;
    }

    /// <summary>The names a template may use.</summary>
    public static IReadOnlyList<string> PlaceholderNames { get; } = ["identity", "text", "id", "backend"];

    /// <summary>The template as written.</summary>
    public string Source { get; }

    /// <summary>Whether the template uses <c>{text}</c>.</summary>
    public bool UsesText => _parts.Any(p => p.Field == Field.Text);

    /// <summary>Parses a template.</summary>
    /// <param name="template">The text with placeholders.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="FormatException">An unknown placeholder or an unmatched brace; the message says which and where.</exception>
    public static MessageTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"the '{{' at position {i} is not closed; write '{{{{' for a literal brace.");
                }

                var name = template[(i + 1)..end];
                var field = name.Trim().ToUpperInvariant() switch
                {
                    "IDENTITY" => Field.Identity,
                    "TEXT" => Field.Text,
                    "ID" => Field.Id,
                    "BACKEND" => Field.Backend,
                    _ => throw new FormatException(
                        $"unknown placeholder '{{{name}}}'; use {string.Join(", ", PlaceholderNames.Select(n => $"{{{n}}}"))}, or '{{{{' for a literal brace."),
                };
                if (literal.Length > 0)
                {
                    parts.Add(new Part(Field.Literal, literal.ToString()));
                    literal.Clear();
                }

                parts.Add(new Part(field, null));
                i = end;
            }
            else if (c == '}')
            {
                throw new FormatException($"the '}}' at position {i} has no opening brace; write '}}}}' for a literal brace.");
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(Field.Literal, literal.ToString()));
        }

        return new MessageTemplate([.. parts], template);
    }

    /// <summary>Fills in the placeholders.</summary>
    /// <param name="values">The values of this send.</param>
    /// <param name="escape">Applied to each value (not to the literal parts), such as URL escaping; <see langword="null"/> for none.</param>
    /// <returns>The rendered text.</returns>
    public string Render(in TemplateValues values, Func<string, string>? escape = null)
    {
        if (_parts.Length == 1 && _parts[0].Field == Field.Literal)
        {
            return _parts[0].Literal!;
        }

        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part.Field == Field.Literal)
            {
                builder.Append(part.Literal);
                continue;
            }

            var value = part.Field switch
            {
                Field.Identity => values.Identity,
                Field.Text => values.Text,
                Field.Id => values.Id,
                _ => values.Backend,
            };
            builder.Append(escape is null ? value : escape(value));
        }

        return builder.ToString();
    }

    private enum Field
    {
        Literal,
        Identity,
        Text,
        Id,
        Backend,
    }

    private readonly record struct Part(Field Field, string? Literal);
}

/// <summary>The values a <see cref="MessageTemplate"/> is filled in with.</summary>
/// <param name="Identity">The recipient.</param>
/// <param name="Text">The message text.</param>
/// <param name="Id">Our message id.</param>
/// <param name="Backend">The backend's name.</param>
internal readonly record struct TemplateValues(string Identity, string Text, string Id, string Backend);
