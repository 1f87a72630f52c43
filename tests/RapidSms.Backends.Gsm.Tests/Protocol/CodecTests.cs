using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm.Tests.Protocol;

public sealed class CodecTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(3));

    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void EncodeSubmit_Gsm7Lengths_SplitAt160And153(int length, int parts)
    {
        SmsPduEncoder.CountParts(new string('a', length)).Should().Be(parts);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void EncodeSubmit_Ucs2Lengths_SplitAt70And67(int length, int parts)
    {
        SmsPduEncoder.CountParts(new string('ж', length)).Should().Be(parts);
    }

    [Fact]
    public void EncodeSubmit_ExtensionCharacterAtPartBoundary_NotSplitFromItsEscape()
    {
        var text = new string('a', 152) + "€" + new string('b', 10);

        var pdus = SmsPduEncoder.EncodeSubmit("+256700000001", text);

        var decoded = pdus.Select(p => (SmsSubmit)SmsPdu.Decode(p.Hex, PduDirection.FromMobile)).ToList();
        decoded[0].Text.Should().Be(new string('a', 152));
        string.Concat(decoded.Select(d => d.Text)).Should().Be(text);
    }

    [Fact]
    public void EncodeSubmit_SurrogatePairAtPartBoundary_NotSplit()
    {
        var text = new string('x', 66) + "😀" + "tail";

        var pdus = SmsPduEncoder.EncodeSubmit("+256700000001", text);

        var decoded = pdus.Select(p => (SmsSubmit)SmsPdu.Decode(p.Hex, PduDirection.FromMobile)).ToList();
        decoded[0].Text.Should().Be(new string('x', 66));
        string.Concat(decoded.Select(d => d.Text)).Should().Be(text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LongMessage_PartsOutOfOrder_Reassembled(bool wide)
    {
        var text = "Habari 👋 " + string.Concat(Enumerable.Range(0, 60).Select(i => $"{i},"));
        var pdus = SmsPduEncoder.EncodeDeliver("+256700000001", text, Time, new SmsEncodingOptions { ConcatenationReference = wide ? 0x1234 : 0x42, Use16BitReference = wide });
        var assembler = new ConcatenatedMessageAssembler();
        string? result = null;

        foreach (var pdu in pdus.Reverse())
        {
            var deliver = (SmsDeliver)SmsPdu.Decode(pdu.Hex);
            deliver.Concatenation!.Is16BitReference.Should().Be(wide);
            result = assembler.Add(deliver.Originator.Number, deliver.Concatenation, deliver.Text);
        }

        result.Should().Be(text);
        assembler.PendingParts.Should().Be(0);
    }

    [Fact]
    public void LongGsm7Message_FillBitsAfterHeader_RoundTrip()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox [jumps] over the lazy dog. ", 8));

        var pdus = SmsPduEncoder.EncodeDeliver("Megafon", text, Time, new SmsEncodingOptions { ConcatenationReference = 7 });

        var decoded = pdus.Select(p => (SmsDeliver)SmsPdu.Decode(p.Hex)).ToList();
        decoded.Should().OnlyContain(d => d.Encoding == SmsEncoding.Gsm7 && d.Originator.Number == "Megafon");
        string.Concat(decoded.Select(d => d.Text)).Should().Be(text);
    }

    [Fact]
    public void EncodeSubmit_AlphanumericDestination_Rejected()
    {
        var encode = () => SmsPduEncoder.EncodeSubmit("Megafon", "x");

        encode.Should().Throw<ArgumentException>().WithMessage("*not a phone number*");
    }

    [Fact]
    public void EncodeSubmit_TooManyParts_Rejected()
    {
        var encode = () => SmsPduEncoder.EncodeSubmit("+256700000001", new string('a', 1000), new SmsEncodingOptions { MaxParts = 3 });

        encode.Should().Throw<ArgumentException>().WithMessage("*parts*");
    }

    [Theory]
    [InlineData(314, true, "SIM busy")]
    [InlineData(332, true, "network timeout")]
    [InlineData(330, false, "SMSC address unknown")]
    [InlineData(21, false, "short message transfer rejected")]
    [InlineData(600, true, "manufacturer specific")]
    public void CmsErrors_CarryMeaningAndTransience(int code, bool transient, string meaning)
    {
        GsmErrorCodes.DescribeCms(code).Should().Be(meaning);
        GsmErrorCodes.IsTransientCms(code).Should().Be(transient);
    }

    [Theory]
    [InlineData(14, true, "SIM busy")]
    [InlineData(11, false, "SIM PIN required")]
    [InlineData(16, false, "incorrect password")]
    public void CmeErrors_CarryMeaningAndTransience(int code, bool transient, string meaning)
    {
        GsmErrorCodes.DescribeCme(code).Should().Be(meaning);
        GsmErrorCodes.IsTransientCme(code).Should().Be(transient);
    }
}
