using System.Text;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Tests;

public sealed class OutgoingEncoderTests
{
    private static readonly SmppAddress From = new(5, 0, "RapidSMS");
    private static readonly SmppAddress To = new(1, 1, "256700000001");

    private static List<SmppPdu> Encode(string text, Action<SmppOptions>? configure = null, SmppTextEncoding encoding = SmppTextEncoding.Auto)
    {
        var options = new SmppOptions { Host = "h", SystemId = "s" };
        configure?.Invoke(options);
        var parts = OutgoingEncoder.Encode(text, options, encoding, From, To, reference: 0x2A, out var error);
        parts.Should().NotBeNull(error);
        return parts!;
    }

    [Fact]
    public void Encode_GsmText_SendsDataCodingZeroOneSeptetPerOctet()
    {
        var pdu = Encode("Hello {world} €5").Single();

        pdu.DataCoding.Should().Be(0);
        pdu.EsmClass.Should().Be(0);
        GsmAlphabet.Decode(pdu.ShortMessage.Span).Should().Be("Hello {world} €5");
        pdu.ShortMessage.Length.Should().Be(19);
        pdu.RegisteredDelivery.Should().Be(1);
    }

    [Fact]
    public void Encode_TextOutsideGsm_SwitchesToUcs2()
    {
        var pdu = Encode("Habari 👋").Single();

        pdu.DataCoding.Should().Be(8);
        Encoding.BigEndianUnicode.GetString(pdu.ShortMessage.Span).Should().Be("Habari 👋");
    }

    [Fact]
    public void Encode_ForcedGsmWithUnencodableCharacter_FailsNamingIt()
    {
        var parts = OutgoingEncoder.Encode("Привет", new SmppOptions { Host = "h", SystemId = "s" }, SmppTextEncoding.Gsm7, From, To, 1, out var error);

        parts.Should().BeNull();
        error.Should().Contain("U+041F");
    }

    [Fact]
    public void Encode_Latin1_SendsDataCodingThree()
    {
        var pdu = Encode("Ça coûte 5 £", encoding: SmppTextEncoding.Latin1).Single();

        pdu.DataCoding.Should().Be(3);
        Encoding.Latin1.GetString(pdu.ShortMessage.Span).Should().Be("Ça coûte 5 £");
    }

    [Fact]
    public void Encode_DefaultAlphabetLatin1_SendsLatinTextAsDataCodingZero()
    {
        var pdu = Encode("Ça va", o => o.DefaultAlphabet = SmppAlphabet.Latin1).Single();

        pdu.DataCoding.Should().Be(0);
        Encoding.Latin1.GetString(pdu.ShortMessage.Span).Should().Be("Ça va");
    }

    [Fact]
    public void Encode_160GsmCharacters_FitsOneMessage()
    {
        Encode(new string('a', 160)).Should().ContainSingle();
    }

    [Fact]
    public void Encode_LongGsmText_SplitsBy153WithConcatenationHeaders()
    {
        var text = string.Concat(Enumerable.Range(0, 400).Select(i => (char)('a' + (i % 26))));

        var parts = Encode(text);

        parts.Should().HaveCount(3);
        var joined = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            parts[i].EsmClass.Should().Be(0x40);
            SmppUserDataHeader.TryRead(parts[i].ShortMessage.Span, out var headerLength, out var concatenation).Should().BeTrue();
            concatenation.Should().Be(new SmppConcatenation(0x2A, 3, (byte)(i + 1)));
            joined.Append(GsmAlphabet.Decode(parts[i].ShortMessage.Span[headerLength..]));
        }

        joined.ToString().Should().Be(text);
        (parts[0].ShortMessage.Length - 6).Should().Be(153);
    }

    [Fact]
    public void Encode_EscapeAtPartBoundary_IsNotSplitFromItsCharacter()
    {
        var text = new string('a', 152) + "€" + new string('b', 20);

        var parts = Encode(text);

        parts.Should().HaveCount(2);
        (parts[0].ShortMessage.Length - 6).Should().Be(152);
        string.Concat(parts.Select(p => GsmAlphabet.Decode(p.ShortMessage.Span[6..]))).Should().Be(text);
    }

    [Fact]
    public void Encode_LongUcs2WithEmoji_SplitsBy67WithoutCuttingSurrogatePairs()
    {
        var text = new string('ж', 66) + "👋" + new string('ж', 10);

        var parts = Encode(text);

        parts.Should().HaveCount(2);
        parts.Should().OnlyContain(p => p.DataCoding == 8);
        string.Concat(parts.Select(p => Encoding.BigEndianUnicode.GetString(p.ShortMessage.Span[6..]))).Should().Be(text);
        ((parts[0].ShortMessage.Length - 6) / 2).Should().Be(66);
    }

    [Fact]
    public void Encode_SarMode_TagsPartsWithSarParameters()
    {
        var text = new string('x', 200);

        var parts = Encode(text, o => o.LongMessages = SmppLongMessageMode.Sar);

        parts.Should().HaveCount(2);
        parts[0].EsmClass.Should().Be(0);
        parts[0].ShortMessage.Length.Should().Be(160);
        parts[1].FindTlv(SmppTlvTag.SarSegmentSequenceNumber)!.Value.AsUInt32().Should().Be(2u);
        parts[1].FindTlv(SmppTlvTag.SarTotalSegments)!.Value.AsUInt32().Should().Be(2u);
        parts[1].FindTlv(SmppTlvTag.SarMessageReferenceNumber)!.Value.AsUInt32().Should().Be(0x2Au);
    }

    [Fact]
    public void Encode_MessagePayloadMode_SendsOnePduWithPayload()
    {
        var text = new string('x', 500);

        var pdu = Encode(text, o => o.LongMessages = SmppLongMessageMode.MessagePayload).Single();

        pdu.ShortMessage.Length.Should().Be(0);
        pdu.FindTlv(SmppTlvTag.MessagePayload)!.Value.Value.Length.Should().Be(500);
    }

    [Fact]
    public void Encode_PackedGsmWithHeader_AlignsSeptetsWithOneFillBit()
    {
        var text = new string('a', 170);

        var parts = Encode(text, o => o.Gsm7Packed = true);

        parts.Should().HaveCount(2);
        var body = parts[0].ShortMessage.Span[6..];
        GsmAlphabet.Decode(GsmAlphabet.Unpack(body, fillBits: 1)).Should().Be(new string('a', 153));
        parts[0].ShortMessage.Length.Should().Be(140);
    }

    [Fact]
    public void Encode_MorePartsThanAllowed_Fails()
    {
        var parts = OutgoingEncoder.Encode(new string('x', 2000), new SmppOptions { Host = "h", SystemId = "s", MaxParts = 3 }, SmppTextEncoding.Auto, From, To, 1, out var error);

        parts.Should().BeNull();
        error.Should().Contain("MaxParts");
    }
}
