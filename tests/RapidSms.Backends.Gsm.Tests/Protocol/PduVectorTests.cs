using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm.Tests.Protocol;

/// <summary>Published PDUs (dreamfabric, pygsm, python-gsmmodem, ATLib) and what they decode to.</summary>
public sealed class PduVectorTests
{
    private static SmsDeliver Deliver(string hex) => (SmsDeliver)SmsPdu.Decode(hex);

    [Fact]
    public void Decode_DreamfabricDeliver_ReadsEveryField()
    {
        var pdu = Deliver("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37");

        pdu.ServiceCenter!.Number.Should().Be("+27381000015");
        pdu.Originator.Number.Should().Be("27838890001");
        pdu.Originator.TypeOfAddress.Should().Be(0xC8);
        pdu.ProtocolIdentifier.Should().Be(0);
        pdu.Encoding.Should().Be(SmsEncoding.Gsm7);
        pdu.ServiceCenterTimestamp.Should().Be(new DateTimeOffset(1999, 3, 29, 15, 16, 59, TimeSpan.FromHours(2)));
        pdu.Text.Should().Be("hellohello");
    }

    [Fact]
    public void Decode_PygsmNegativeQuarterHourZone_ReadsMinusSevenHours()
    {
        var pdu = Deliver("07912180958729F6040B814151733717F500009070102230438A02D937");

        pdu.ServiceCenter!.Number.Should().Be("+12085978926");
        pdu.Originator.Number.Should().Be("14153773715");
        pdu.ServiceCenterTimestamp.Should().Be(new DateTimeOffset(2009, 7, 1, 22, 3, 34, TimeSpan.FromHours(-7)));
        pdu.Text.Should().Be("Yo");
    }

    [Fact]
    public void Decode_PygsmUcs2_ReadsChinese()
    {
        var pdu = Deliver("07912180958729F8040B814151733717F500089090035194358A044F60597D");

        pdu.Encoding.Should().Be(SmsEncoding.Ucs2);
        pdu.Text.Should().Be("你好");
        pdu.ServiceCenterTimestamp.Should().Be(new DateTimeOffset(2009, 9, 30, 15, 49, 53, TimeSpan.FromHours(-7)));
    }

    [Theory]
    [InlineData("06917228195339040B917228214365F700003130805120618005D4F29C2E03", "+2782913593", "+27821234567", "2013-03-08T15:02:16+02:00", "Test2")]
    [InlineData("07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E", "+85290000000", "+85291234567", "2007-04-12T23:25:42+08:00", "It is easy to read text messages via AT commands.")]
    [InlineData("06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910", "+2782913593", "+27821234567", null, "@{tést}!")]
    public void Decode_PythonGsmModemDeliver_ReadsSenderTimeAndText(string hex, string smsc, string sender, string? time, string text)
    {
        var pdu = Deliver(hex);

        pdu.ServiceCenter!.Number.Should().Be(smsc);
        pdu.Originator.Number.Should().Be(sender);
        pdu.Originator.IsInternational.Should().BeTrue();
        if (time is not null)
        {
            pdu.ServiceCenterTimestamp.Should().Be(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));
        }

        pdu.Text.Should().Be(text);
    }

    [Fact]
    public void Decode_SevenBitWithConcatenationHeader_AppliesFillBits()
    {
        var pdu = Deliver("0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20");

        pdu.ServiceCenter!.Number.Should().Be("+2781191");
        pdu.Originator.Number.Should().Be("2781188");
        pdu.Concatenation.Should().Be(new ConcatenationInfo(0xC3, 1, 1, false));
        pdu.Text.Should().Be("Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ");
    }

    [Fact]
    public void Decode_AlphanumericSenderUcs2WithHeader_ReadsMegafon()
    {
        // Full string from python-gsmmodem test/test_pdu.py; checked below by the fields it must carry.
        const string hex = "07919762020033F1400DD0CDF2396C7EBB010008415072411084618C0500035602010053004D005300200063006F00640065003A00200034003800350036002C00200063006F006E006600690072006D006100740069006F006E0020006F00660020006100730073006F00630069006100740069006F006E0020006200650074007700650065006E0020006100630063006F0075006E007400200061006E00640020004D00650067";

        var pdu = Deliver(hex);

        pdu.ServiceCenter!.Number.Should().Be("+79262000331");
        pdu.Originator.Number.Should().Be("Megafon");
        pdu.Originator.IsAlphanumeric.Should().BeTrue();
        pdu.Encoding.Should().Be(SmsEncoding.Ucs2);
        pdu.Concatenation.Should().Be(new ConcatenationInfo(0x56, 2, 1, false));
        pdu.ServiceCenterTimestamp.Should().Be(new DateTimeOffset(2014, 5, 27, 14, 1, 48, TimeSpan.FromHours(4)));
        pdu.Text.Should().Be("SMS code: 4856, confirmation of association between account and Meg");
    }

    [Theory]
    [InlineData("0006D60B911326880736F4111011719551401110117195714000", null)]
    [InlineData("07911326040000F006D60B911326880736F4111011719551401110117195714000", "+31624000000")]
    public void Decode_StatusReport_ReadsReferenceRecipientTimesAndStatus(string hex, string? smsc)
    {
        var pdu = (SmsStatusReport)SmsPdu.Decode(hex);

        pdu.ServiceCenter?.Number.Should().Be(smsc);
        pdu.MessageReference.Should().Be(214);
        pdu.Recipient.Number.Should().Be("+31628870634");
        pdu.ServiceCenterTimestamp.Should().Be(new DateTimeOffset(2011, 1, 11, 17, 59, 15, TimeSpan.FromHours(1)));
        pdu.DischargeTime.Should().Be(new DateTimeOffset(2011, 1, 11, 17, 59, 17, TimeSpan.FromHours(1)));
        pdu.Status.Should().Be(0);
        pdu.DeliveryStatus.Should().Be(DeliveryStatus.Delivered);
        pdu.IsFinal.Should().BeTrue();
    }

    [Fact]
    public void Decode_DreamfabricSubmit_ReadsRelativeValidity()
    {
        var pdu = (SmsSubmit)SmsPdu.Decode("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", PduDirection.FromMobile);

        pdu.ServiceCenter.Should().BeNull();
        pdu.FirstOctet.Should().Be(0x11);
        pdu.Destination.Number.Should().Be("+46708251358");
        pdu.ValidityPeriod.Should().Be(TimeSpan.FromDays(4));
        pdu.Text.Should().Be("hellohello");
    }

    [Fact]
    public void Decode_SubmitWithStatusReportRequest_ReadsIt()
    {
        var pdu = (SmsSubmit)SmsPdu.Decode("07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701", PduDirection.FromMobile);

        pdu.ServiceCenter!.Number.Should().Be("+31624000000");
        pdu.StatusReportRequest.Should().BeTrue();
        pdu.MessageReference.Should().Be(13);
        pdu.ValidityPeriod.Should().Be(TimeSpan.FromDays(3));
        pdu.Text.Should().Be("www.diafaan.com");
    }

    [Fact]
    public void Decode_EightBitSubmit_ReadsOctets()
    {
        var pdu = (SmsSubmit)SmsPdu.Decode("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421", PduDirection.FromMobile);

        pdu.Encoding.Should().Be(SmsEncoding.EightBit);
        pdu.Text.Should().Be("Hello world!");
    }

    [Fact]
    public void Decode_AbsoluteValidity_ReadsDate()
    {
        var pdu = (SmsSubmit)SmsPdu.Decode("0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301", PduDirection.FromMobile);

        pdu.ValidUntil.Should().Be(new DateTimeOffset(2013, 7, 10, 13, 39, 0, TimeSpan.FromHours(2)));
        pdu.Text.Should().Be("Timestamp validity test");
    }

    [Fact]
    public void EncodeSubmit_Dreamfabric_MatchesPublishedPdu()
    {
        var pdus = SmsPduEncoder.EncodeSubmit("+46708251358", "hellohello", new SmsEncodingOptions { ValidityPeriod = TimeSpan.FromDays(4) });

        var pdu = pdus.Should().ContainSingle().Subject;
        pdu.Hex.Should().Be("0011000B916407281553F80000AA0AE8329BFD4697D9EC37");
        pdu.TpduLength.Should().Be(23);
    }

    [Fact]
    public void EncodeSubmit_WithServiceCenterAndReport_MatchesPublishedPdu()
    {
        var pdus = SmsPduEncoder.EncodeSubmit("+31628870634", "www.diafaan.com", new SmsEncodingOptions
        {
            ServiceCenter = "+31624000000",
            StatusReportRequest = true,
            MessageReference = 13,
            ValidityPeriod = TimeSpan.FromDays(3),
        });

        pdus.Should().ContainSingle().Which.Hex.Should().Be("07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701");
    }

    [Fact]
    public void EncodeSubmit_EightBit_MatchesPublishedPdu()
    {
        var pdus = SmsPduEncoder.EncodeSubmit("+27821234567", "Hello world!", new SmsEncodingOptions { ServiceCenter = "+2781191", Encoding = SmsEncoding.EightBit });

        pdus.Should().ContainSingle().Which.Hex.Should().Be("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421");
    }

    [Fact]
    public void EncodeDeliver_PythonGsmModem_MatchesPublishedPdu()
    {
        var pdus = SmsPduEncoder.EncodeDeliver("+27821234567", "Test2", new DateTimeOffset(2013, 3, 8, 15, 2, 16, TimeSpan.FromHours(2)), new SmsEncodingOptions { ServiceCenter = "+2782913593" });

        pdus.Should().ContainSingle().Which.Hex.Should().Be("06917228195339040B917228214365F700003130805120618005D4F29C2E03");
    }

    [Fact]
    public void EncodeStatusReport_MatchesPublishedPdu()
    {
        var pdu = SmsPduEncoder.EncodeStatusReport(214, "+31628870634", new DateTimeOffset(2011, 1, 11, 17, 59, 15, TimeSpan.FromHours(1)), new DateTimeOffset(2011, 1, 11, 17, 59, 17, TimeSpan.FromHours(1)), 0);

        pdu.Hex.Should().Be("0006D60B911326880736F4111011719551401110117195714000");
    }

    [Theory]
    [InlineData("+9876543210", "0A918967452301")]
    [InlineData("+987654321", "099189674523F1")]
    [InlineData("+27829135934", "0B917228195339F4")]
    [InlineData("abc", "06D061F118")]
    [InlineData("FRANCOIS", "0ED04669D0397C26A7")]
    [InlineData("a[]{}€", "14D0E10D6FE3DBA036A94D19")]
    public void AddressField_RoundTrips(string number, string hex)
    {
        var output = new List<byte>();
        var address = SmsAddress.Parse(number);
        address.WriteAddressField(output);
        Convert.ToHexString([.. output]).Should().Be(hex);

        var pdu = SmsPduEncoder.EncodeDeliver(number, "x", DateTimeOffset.UnixEpoch)[0].Hex;
        ((SmsDeliver)SmsPdu.Decode(pdu)).Originator.Number.Should().Be(number);
    }

    [Fact]
    public void AddressField_National_KeepsTypeOfAddress()
    {
        var output = new List<byte>();
        new SmsAddress("0129998765", 0xA1).WriteAddressField(output);

        Convert.ToHexString([.. output]).Should().Be("0AA11092997856");
    }

    [Theory]
    [InlineData("+9876543210", "06918967452301")]
    [InlineData("+2782913593", "06917228195339")]
    public void ServiceCenterField_CountsOctets(string number, string hex)
    {
        var output = new List<byte>();
        SmsAddress.Parse(number).WriteServiceCenterField(output);

        Convert.ToHexString([.. output]).Should().Be(hex);
    }

    [Theory]
    [InlineData(30, 5)]
    [InlineData(16 * 60, 151)]
    [InlineData(3 * 24 * 60, 169)]
    [InlineData(5 * 7 * 24 * 60, 197)]
    public void RelativeValidity_EncodesPublishedValues(int minutes, int octet)
    {
        SmsSubmit.EncodeRelativeValidity(TimeSpan.FromMinutes(minutes)).Should().Be((byte)octet);
        SmsSubmit.DecodeRelativeValidity((byte)octet).Should().Be(TimeSpan.FromMinutes(minutes));
    }

    [Theory]
    [InlineData("2015-11-27T00:00:00+00:00", "51117200000000")]
    [InlineData("2015-11-27T00:00:00+02:00", "51117200000080")]
    [InlineData("2007-04-12T23:25:42+08:00", "70402132522423")]
    [InlineData("2007-04-12T23:25:42-08:00", "7040213252242B")]
    [InlineData("2020-01-01T00:00:00+05:45", "02101000000032")]
    public void Timestamp_RoundTripsWithQuarterHourZones(string time, string hex)
    {
        var value = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);
        var output = new List<byte>();
        SmsPdu.WriteTimestamp(value, output);
        Convert.ToHexString([.. output]).Should().Be(hex);

        var pdu = SmsPduEncoder.EncodeDeliver("+123", "x", value)[0].Hex;
        ((SmsDeliver)SmsPdu.Decode(pdu)).ServiceCenterTimestamp.Should().Be(value);
    }

    [Theory]
    [InlineData("123", "31D90C")]
    [InlineData("12345678", "31D98C56B3DD70")]
    [InlineData("Hello World!", "C8329BFD065DDF72363904")]
    [InlineData("[{abc}]~", "1BDE0615168F37A98D6FD303")]
    [InlineData("{åΦΓΛΩΠΨΣΘ€}", "1BD44332A1542C174C6653DEA400")]
    [InlineData("a[]{}€", "E10D6FE3DBA036A94D19")]
    public void Gsm7_PacksPublishedOctets(string text, string hex)
    {
        var septets = GsmAlphabet.ToSeptets(text);
        Convert.ToHexString(GsmAlphabet.Pack(septets)).Should().Be(hex);
        GsmAlphabet.FromSeptets(GsmAlphabet.Unpack(Convert.FromHexString(hex), septets.Length)).Should().Be(text);
    }

    [Fact]
    public void Gsm7_SevenSeptetsInSevenOctets_DecodesWithoutTrailingAt()
    {
        GsmAlphabet.FromSeptets(GsmAlphabet.Unpack(Convert.FromHexString("31D98C56B3DD00"), 7)).Should().Be("1234567");
    }

    [Theory]
    [InlineData(8, 23, 3, 1, "0003170301")]
    [InlineData(16, 384, 4, 2, "080401800402")]
    public void ConcatenationHeader_MatchesPublishedElements(int bits, int reference, int total, int sequence, string hex)
    {
        var header = UserDataHeader.ForConcatenation(reference, total, sequence, bits == 16);

        Convert.ToHexString(header.ToBytes()).Should().Be($"{hex.Length / 2:X2}{hex}");
        UserDataHeader.Parse(header.ToBytes()).Concatenation.Should().Be(new ConcatenationInfo(reference, total, sequence, bits == 16));
    }
}
