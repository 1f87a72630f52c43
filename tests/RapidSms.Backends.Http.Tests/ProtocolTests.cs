using System.Text;
using RapidSms.Backends.Http.Protocol;
using RapidSms.Backends.Http;

namespace RapidSms.Backends.Http.Tests;

public sealed class UrlEncodedTests
{
    [Theory]
    [InlineData("?phone=%2B256700000001&message=hi", "phone", "+256700000001")]
    [InlineData("phone=1&message=Habari+yako%3F", "message", "Habari yako?")]
    [InlineData("message=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7%20%F0%9F%91%8B", "message", "مرحبا 👋")]
    [InlineData("a=1&&message=&b=2", "message", "")]
    [InlineData("message", "message", "")]
    [InlineData("mess%61ge=encoded+name", "message", "encoded name")]
    [InlineData("message=first&message=second", "message", "first")]
    public void TryGetRawAndDecode_Utf8_ReturnsValue(string query, string name, string expected)
    {
        UrlEncoded.TryGetRaw(query, name, out var raw).Should().BeTrue();
        UrlEncoded.TryDecode(raw, UrlEncoded.StrictUtf8, out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Fact]
    public void TryGetRaw_AbsentName_ReturnsFalse()
    {
        UrlEncoded.TryGetRaw("phone=1&messages=2", "message", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("%ZZ")]
    [InlineData("abc%2")]
    [InlineData("%C3%28")]
    [InlineData("%FF")]
    public void TryDecode_MalformedEscapeOrInvalidUtf8_ReturnsFalse(string raw)
    {
        UrlEncoded.TryDecode(raw, UrlEncoded.StrictUtf8, out _).Should().BeFalse();
    }

    [Fact]
    public void TryDecode_Utf16BigEndianAsKannelSendsIt_ReturnsText()
    {
        // Kannel's %a for a UCS-2 message: the UTF-16BE bytes, percent-escaped, with '+' for the 0x20 byte.
        const string raw = "%06E%061%06-%06(%06'%00+%D8%3D%DCK";

        UrlEncoded.TryDecode(raw, Encoding.BigEndianUnicode, out var value).Should().BeTrue();

        value.Should().Be("مرحبا 👋");
    }

    [Fact]
    public void TryDecode_Latin1Bytes_ReturnsText()
    {
        WebhookParameters.TryGetEncoding("ISO-8859-1", out var latin1).Should().BeTrue();

        UrlEncoded.TryDecode("%C7a+va", latin1, out var value).Should().BeTrue();

        value.Should().Be("Ça va");
    }

    [Fact]
    public void TryGetEncoding_UnknownName_ReturnsFalse()
    {
        WebhookParameters.TryGetEncoding("x-no-such-charset", out _).Should().BeFalse();
    }
}

public sealed class MessageTemplateTests
{
    private static readonly TemplateValues Values = new("+256 700", "a&b=c ü", "0123abcd", "gw");

    [Fact]
    public void Render_AllPlaceholders_FillsEach()
    {
        var template = MessageTemplate.Parse("to={identity}|text={text}|id={id}|via={backend}");

        template.Render(Values).Should().Be("to=+256 700|text=a&b=c ü|id=0123abcd|via=gw");
    }

    [Fact]
    public void Render_WithEscape_EscapesValuesButNotLiterals()
    {
        var template = MessageTemplate.Parse("https://gw.example/send?to={identity}&text={text}");

        template.Render(Values, Uri.EscapeDataString).Should().Be("https://gw.example/send?to=%2B256%20700&text=a%26b%3Dc%20%C3%BC");
    }

    [Fact]
    public void Render_DoubledBraces_AreLiteral()
    {
        MessageTemplate.Parse("{{\"to\":\"{identity}\"}}").Render(Values).Should().Be("{\"to\":\"+256 700\"}");
    }

    [Fact]
    public void Parse_PlaceholderNames_AreCaseInsensitive()
    {
        MessageTemplate.Parse("{Identity}:{TEXT}").Render(Values).Should().Be("+256 700:a&b=c ü");
    }

    [Theory]
    [InlineData("{phone}", "unknown placeholder '{phone}'")]
    [InlineData("abc{text", "is not closed")]
    [InlineData("abc}", "has no opening brace")]
    public void Parse_BadTemplate_ThrowsNamingTheProblem(string template, string expected)
    {
        var act = () => MessageTemplate.Parse(template);

        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void UsesText_TellsWhetherTextIsSent()
    {
        MessageTemplate.Parse("{identity}").UsesText.Should().BeFalse();
        MessageTemplate.Parse("x{text}").UsesText.Should().BeTrue();
    }
}

/// <summary>Rejection reasons as they reach the log.</summary>
public sealed class RejectionReasonTests
{
    [Theory]
    [InlineData("Charset 'x-nope' is not supported.", "Charset 'x-nope' is not supported.")]
    [InlineData("a\r\nb\tc\u0085d\u007Fe", "a??b?c?d?e")]
    public void Printable_ReplacesControlCharacters(string reason, string expected) => HttpBackend.Printable(reason).Should().Be(expected);

    [Fact]
    public void Printable_StopsAfter300Characters() => HttpBackend.Printable(new string('x', 1000)).Should().HaveLength(301).And.EndWith("x…");
}
