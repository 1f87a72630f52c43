using RapidSms.Backends.Gsm.Session;

namespace RapidSms.Backends.Gsm.Tests.Session;

public sealed class AtParsingTests
{
    [Fact]
    public void Values_QuotedCommasAndEmptyFields_SplitLikeTheModemMeant()
    {
        AtParsing.Values("+CMGL: 0,\"REC UNREAD\",\"+27748577604\",,\"13/01/28,14:51:42+08\"")
            .Should().Equal("0", "REC UNREAD", "+27748577604", "", "13/01/28,14:51:42+08");
    }

    [Theory]
    [InlineData("13/01/28,14:51:42+08", "2013-01-28T14:51:42+02:00")]
    [InlineData("09/07/01,22:03:34-28", "2009-07-01T22:03:34-07:00")]
    [InlineData("24/05/01,10:00:00+23", "2024-05-01T10:00:00+05:45")]
    public void TextTimestamp_QuarterHourZones_Read(string text, string expected)
    {
        AtParsing.TextTimestamp(text).Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a time at all")]
    public void TextTimestamp_Garbage_IsNull(string text)
    {
        AtParsing.TextTimestamp(text).Should().BeNull();
    }

    [Theory]
    [InlineData(" (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\")", new[] { "SM", "ME" })]
    [InlineData(" (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\")", new[] { "ME", "MT", "SM", "SR" })]
    [InlineData(" \"SM\",\"ME\"", new string[0])]
    [InlineData("", new string[0])]
    public void FirstGroup_StorageRanges_ReadsTheReadableStorages(string value, string[] expected)
    {
        AtParsing.FirstGroup(value).Should().Equal(expected);
    }
}
