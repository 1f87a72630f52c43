using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Tests.Protocol;

/// <summary>Published vectors: python-gsmmodem's TestGsm7 packing cases.</summary>
public sealed class GsmAlphabetTests
{
    [Theory]
    [InlineData("123", "31D90C")]
    [InlineData("12345678", "31D98C56B3DD70")]
    [InlineData("Hello World!", "C8329BFD065DDF72363904")]
    [InlineData("[{abc}]~", "1BDE0615168F37A98D6FD303")]
    [InlineData("{åΦΓΛΩΠΨΣΘ€}", "1BD44332A1542C174C6653DEA400")]
    [InlineData("a[]{}€", "E10D6FE3DBA036A94D19")]
    [InlineData("hellohello", "E8329BFD4697D9EC37")]
    public void EncodeAndPack_PublishedVectors_GiveTheirOctets(string text, string packedHex)
    {
        GsmAlphabet.TryCountSeptets(text, out var count, out _).Should().BeTrue();
        var septets = new byte[count];
        GsmAlphabet.Encode(text, septets);
        var packed = new byte[GsmAlphabet.GetPackedLength(count)];

        GsmAlphabet.Pack(septets, packed);

        Convert.ToHexString(packed).Should().Be(packedHex);
        GsmAlphabet.Decode(GsmAlphabet.Unpack(packed)).Should().Be(text);
    }

    [Fact]
    public void Unpack_SevenSeptetsWithPaddingBits_DoesNotAddAnAt()
    {
        GsmAlphabet.Decode(GsmAlphabet.Unpack(Convert.FromHexString("31D98C56B3DD00"))).Should().Be("1234567");
    }

    [Fact]
    public void TryCountSeptets_ExtensionCharacters_CountTwo()
    {
        GsmAlphabet.TryCountSeptets("€[x", out var septets, out _).Should().BeTrue();
        septets.Should().Be(5);
    }

    [Fact]
    public void TryCountSeptets_CharacterOutsideAlphabet_NamesItsPosition()
    {
        GsmAlphabet.TryCountSeptets("abc✓", out _, out var bad).Should().BeFalse();
        bad.Should().Be(3);
    }

    [Fact]
    public void PackWithFillBits_AfterSixOctetHeader_RoundTrips()
    {
        var septets = new byte[] { 0x48, 0x69 };
        var packed = new byte[GsmAlphabet.GetPackedLength(2, 1)];
        GsmAlphabet.Pack(septets, packed, fillBits: 1);

        GsmAlphabet.Unpack(packed, fillBits: 1).Should().Equal(septets);
    }

    [Fact]
    public void Decode_EveryBasicCode_RoundTripsThroughEncode()
    {
        for (byte code = 0; code < 128; code++)
        {
            if (code == GsmAlphabet.Escape)
            {
                continue;
            }

            var text = GsmAlphabet.Decode([code]);
            var back = new byte[1];
            GsmAlphabet.Encode(text, back).Should().Be(1);
            back[0].Should().Be(code);
        }
    }
}
