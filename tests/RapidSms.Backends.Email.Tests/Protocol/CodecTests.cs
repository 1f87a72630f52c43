using System.Text;
using RapidSms.Backends.Email.Protocol;

namespace RapidSms.Backends.Email.Tests.Protocol;

/// <summary>Quoted-printable, base64, RFC 2047 encoded words, parameters and addresses.</summary>
public sealed class CodecTests
{
    [Theory]
    [InlineData("caf=E9", new byte[] { 0x63, 0x61, 0x66, 0xE9 })]
    [InlineData("caf=e9", new byte[] { 0x63, 0x61, 0x66, 0xE9 })]
    [InlineData("soft=\r\nbreak", new byte[] { 0x73, 0x6F, 0x66, 0x74, 0x62, 0x72, 0x65, 0x61, 0x6B })]
    [InlineData("soft=  \nbreak", new byte[] { 0x73, 0x6F, 0x66, 0x74, 0x62, 0x72, 0x65, 0x61, 0x6B })]
    [InlineData("a=\r\n", new byte[] { 0x61 })]
    [InlineData("lone = sign", new byte[] { 0x6C, 0x6F, 0x6E, 0x65, 0x20, 0x3D, 0x20, 0x73, 0x69, 0x67, 0x6E })]
    [InlineData("=ZZ", new byte[] { 0x3D, 0x5A, 0x5A })]
    [InlineData("trailing   \r\nx", new byte[] { 0x74, 0x72, 0x61, 0x69, 0x6C, 0x69, 0x6E, 0x67, 0x0D, 0x0A, 0x78 })]
    public void QuotedPrintable_Decode_ToleratesRealWorldInput(string input, byte[] expected)
    {
        QuotedPrintable.Decode(Encoding.ASCII.GetBytes(input)).Should().Equal(expected);
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("Ça va très bien, merci. مرحبا 👋")]
    [InlineData("trailing space \r\nand tab\t\r\nend")]
    [InlineData(".leading dot\r\nFrom the start\r\n=equals=")]
    [InlineData("a very long line that goes on and on well past the seventy-six character limit of quoted-printable, with é and ü and 漢字 in it too, to make it wrap more than once")]
    public void QuotedPrintable_EncodeThenDecode_RoundTripsWithShortSevenBitLines(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        var encoded = QuotedPrintable.Encode(bytes);

        encoded.Split("\r\n").Should().OnlyContain(line => line.Length <= 76);
        encoded.Should().MatchRegex("^[\\x20-\\x7E\\r\\n]*$");
        encoded.Split("\r\n").Should().NotContain(line => line.StartsWith('.') || line.StartsWith("From ", StringComparison.Ordinal));
        QuotedPrintable.Decode(Encoding.ASCII.GetBytes(encoded)).Should().Equal(bytes);
    }

    [Theory]
    [InlineData("aGVsbG8=", "hello")]
    [InlineData("aGVs\r\nbG8=", "hello")]
    [InlineData("aGVsbG8", "hello")]
    [InlineData("a G V s b G 8 = !", "hello")]
    public void Base64_Decode_IsLenient(string input, string expected)
    {
        Encoding.ASCII.GetString(Base64.Decode(Encoding.ASCII.GetBytes(input))).Should().Be(expected);
    }

    [Theory]
    [InlineData("=?ISO-8859-1?Q?a?= b", "a b")]
    [InlineData("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab")]
    [InlineData("=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=", "ab")]
    [InlineData("=?ISO-8859-1?Q?a_b?=", "a b")]
    [InlineData("=?UTF-8?B?w6k=?=", "é")]
    [InlineData("=?utf-8*fr?q?=C3=A9t=C3=A9?=", "été")]
    [InlineData("before =?utf-8?q?x?= after", "before x after")]
    [InlineData("=?unknown-charset?Q?caf=C3=A9?=", "café")]
    [InlineData("=?utf-8?X?abc?=", "=?utf-8?X?abc?=")]
    [InlineData("not =? an encoded word", "not =? an encoded word")]
    public void EncodedWords_Decode_FollowsRfc2047(string input, string expected)
    {
        EncodedWords.Decode(input).Should().Be(expected);
    }

    [Theory]
    [InlineData("Re: Clinic hours — ça marche?")]
    [InlineData("👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋👋 emoji that must not be split")]
    [InlineData("ascii with =? inside")]
    public void EncodedWords_EncodeThenDecode_RoundTripsInShortWords(string text)
    {
        var encoded = EncodedWords.Encode(text);

        encoded.Split("\r\n").Should().OnlyContain(line => line.Length <= 76);
        encoded.Should().MatchRegex("^[\\x20-\\x7E\\r\\n]*$");
        EncodedWords.Decode(encoded.Replace("\r\n", "", StringComparison.Ordinal)).Should().Be(text);
    }

    [Fact]
    public void EncodedWords_Encode_LeavesPlainAsciiAlone()
    {
        EncodedWords.Encode("Opening hours").Should().Be("Opening hours");
    }

    [Theory]
    [InlineData("\"Doe, John\" <john@Example.ORG>", "Doe, John", "john@example.org")]
    [InlineData("John Doe <john@example.org>", "John Doe", "john@example.org")]
    [InlineData("john@example.org", "", "john@example.org")]
    [InlineData("john@example.org (John Doe)", "", "john@example.org")]
    [InlineData("<john@example.org>", "", "john@example.org")]
    [InlineData("=?utf-8?Q?Zo=C3=AB?= <zoe@example.org>", "Zoë", "zoe@example.org")]
    [InlineData("\"=?utf-8?Q?Zo=C3=AB?=\" <zoe@example.org>", "Zoë", "zoe@example.org")]
    [InlineData("\"Quote \\\" inside\" <q@example.org>", "Quote \" inside", "q@example.org")]
    [InlineData("Team: ann@example.org, bob@example.org;", "", "ann@example.org")]
    [InlineData("<@relay.example:route@example.org>", "", "route@example.org")]
    public void MailboxAddress_ParseFirst_ReadsTheUsualForms(string value, string name, string address)
    {
        MailboxAddress.ParseFirst(value).Should().Be(new MailboxAddress(name, address));
    }

    [Theory]
    [InlineData("")]
    [InlineData("undisclosed-recipients:;")]
    [InlineData("just a name")]
    public void MailboxAddress_ParseFirst_WithoutAddress_IsNull(string value)
    {
        MailboxAddress.ParseFirst(value).Should().BeNull();
    }

    [Fact]
    public void MailboxAddress_ParseList_ReadsEveryMailbox()
    {
        MailboxAddress.ParseList("a@x.example, \"B, b\" <b@x.example>, C <c@x.example>").Select(a => a.Address)
            .Should().Equal("a@x.example", "b@x.example", "c@x.example");
    }

    [Theory]
    [InlineData("Clinic \"Gulu\"", "\"Clinic \\\"Gulu\\\"\" <sms@x.example>")]
    [InlineData("Zoë", "=?utf-8?B?Wm/Dqw==?= <sms@x.example>")]
    [InlineData("", "<sms@x.example>")]
    public void MailboxAddress_ToHeaderValue_QuotesOrEncodes(string name, string expected)
    {
        new MailboxAddress(name, "sms@x.example").ToHeaderValue().Should().Be(expected);
    }

    [Fact]
    public void HeaderValue_Parse_ReadsParametersQuotedAndRfc2231()
    {
        var value = HeaderValue.Parse("Text/Plain; charset=\"UTF-8\"; format=flowed (comment); name*0*=utf-8''r%C3%A9; name*1=sum.txt; Boundary=\"a;b\"");

        value.Value.Should().Be("text/plain");
        value["charset"].Should().Be("UTF-8");
        value["format"].Should().Be("flowed");
        value["name"].Should().Be("résum.txt");
        value["boundary"].Should().Be("a;b");
    }

    [Theory]
    [InlineData("utf-8", 65001)]
    [InlineData("UTF8", 65001)]
    [InlineData("iso-8859-1", 28591)]
    [InlineData("ISO8859-15", 28605)]
    [InlineData("windows-1252", 1252)]
    [InlineData("cp1251", 1251)]
    [InlineData("koi8-r", 20866)]
    [InlineData("\"Shift_JIS\"", 932)]
    public void Charsets_Find_KnowsTheUsualCharsets(string name, int codePage)
    {
        Charsets.Find(name)!.CodePage.Should().Be(codePage);
    }

    [Fact]
    public void Charsets_Find_UnknownName_IsNull()
    {
        Charsets.Find("x-klingon").Should().BeNull();
    }

    [Fact]
    public void Charsets_DecodeUnknown_FallsBackToWindows1252()
    {
        Charsets.DecodeUnknown([0x93, 0x68, 0x69, 0x94]).Should().Be("“hi”");
        Charsets.DecodeUnknown(Encoding.UTF8.GetBytes("naïve")).Should().Be("naïve");
    }
}
