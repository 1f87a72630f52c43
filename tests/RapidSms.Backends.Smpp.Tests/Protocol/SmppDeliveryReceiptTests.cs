using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Tests.Protocol;

public sealed class SmppDeliveryReceiptTests
{
    [Fact]
    public void TryParse_SpecOrder_ReadsEveryField()
    {
        SmppDeliveryReceipt.TryParse("id:0123456789 sub:001 dlvrd:001 submit date:2611220102 done date:2611220103 stat:DELIVRD err:000 text:Hello there", out var receipt).Should().BeTrue();

        receipt!.Id.Should().Be("0123456789");
        receipt.Submitted.Should().Be("001");
        receipt.Delivered.Should().Be("001");
        receipt.SubmitDate.Should().Be("2611220102");
        receipt.DoneDate.Should().Be("2611220103");
        receipt.State.Should().Be("DELIVRD");
        receipt.Error.Should().Be("000");
        receipt.Text.Should().Be("Hello there");
    }

    [Fact]
    public void TryParse_FieldsInAnyOrderAndCase_ReadsThem()
    {
        SmppDeliveryReceipt.TryParse("STAT:UNDELIV err:034 Id:a1b2 done date:2611220103", out var receipt).Should().BeTrue();

        receipt!.Id.Should().Be("a1b2");
        receipt.State.Should().Be("UNDELIV");
        receipt.Error.Should().Be("034");
        receipt.Submitted.Should().BeNull();
    }

    [Fact]
    public void TryParse_TextContainingKeys_KeepsThemInText()
    {
        SmppDeliveryReceipt.TryParse("id:7 stat:DELIVRD text:my id: is 5", out var receipt).Should().BeTrue();

        receipt!.Id.Should().Be("7");
        receipt.Text.Should().Be("my id: is 5");
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("id:only")]
    [InlineData("")]
    public void TryParse_NotAReceipt_ReturnsFalse(string text)
    {
        SmppDeliveryReceipt.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        var receipt = new SmppDeliveryReceipt { Id = "42", State = "EXPIRED", Error = "001", Text = "abc" };

        SmppDeliveryReceipt.TryParse(receipt.Format(), out var back).Should().BeTrue();

        back!.Id.Should().Be("42");
        back.State.Should().Be("EXPIRED");
        back.Text.Should().Be("abc");
    }
}
