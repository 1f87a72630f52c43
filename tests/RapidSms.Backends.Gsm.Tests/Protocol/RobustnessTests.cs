using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm.Tests.Protocol;

/// <summary>Broken PDUs fail with <see cref="PduFormatException"/> and a reason, never with anything else.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> Corpus => new()
    {
        { "", "empty" },
        { "0", "odd" },
        { "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC3", "odd" },
        { "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC3Z", "non-hex" },
        { "GG", "non-hex" },
        { "07917283010010", "service centre address" },
        { "FF917283010010F5", "service centre" },
        { "07917283010010F504", "ends before" },
        { "07917283010010F5040BC8723888", "originating address" },
        { "07917283010010F5040BC87238880900F100009930925161", "service centre timestamp" },
        { "07917283010010F5040BC87238880900F10000993092516195800AE8329B", "user data" },
        { "07917283010010F5040BC87238880900F1000099309251619580FFE8329BFD4697D9EC37", "exceeds 160" },
        { "07912180958729F8040B814151733717F500089090035194358AFF4F60597D", "exceeds 140" },
        { "07912180958729F8040B814151733717F500089090035194358A084F60597D", "user data" },
        { "0591721891F1400781721881F8000031605261048480" + "05" + "080003C301", "header claims" },
        { "0591721891F1400781721881F8000831605261048480" + "04" + "0A0003C3", "header claims" },
        { "0591721891F1400781721881F8000831605261048480" + "06" + "050005C30101", "beyond the header" },
        { "0006D60B911326880736F411101171955140111011719571", "discharge time" },
        { "0006D60B911326880736F4111011719551401110117195714", "odd" },
        { "0003", "not one this codec reads" },
        { "07917283010010F5240BC87238880900F10020993092516195800AE8329BFD4697D9EC37", "Compressed" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Decode_BrokenPdu_FailsCleanlyWithReason(string hex, string reason)
    {
        var decode = () => SmsPdu.Decode(hex);

        decode.Should().Throw<PduFormatException>().Which.Message.Should().ContainEquivalentOf(reason);
        SmsPdu.TryDecode(hex, PduDirection.ToMobile, out var pdu, out var error).Should().BeFalse();
        pdu.Should().BeNull();
        error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrowsAnythingButFormatErrors()
    {
        var random = new Random(20260101);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(1, 60)];
            random.NextBytes(bytes);
            var hex = Convert.ToHexString(bytes);
            foreach (var direction in new[] { PduDirection.ToMobile, PduDirection.FromMobile })
            {
                try
                {
                    SmsPdu.Decode(hex, direction);
                }
                catch (PduFormatException)
                {
                    // Expected for most random input.
                }
            }
        }
    }

    [Fact]
    public void Decode_ImpossibleTimestamp_KeepsMessageWithoutTime()
    {
        var pdu = (SmsDeliver)SmsPdu.Decode("07917283010010F5040BC87238880900F10000993192516195800AE8329BFD4697D9EC37");

        pdu.ServiceCenterTimestamp.Should().BeNull();
        pdu.Text.Should().Be("hellohello");
    }
}
