using RapidSms.Backends.Email.Protocol;

namespace RapidSms.Backends.Email.Tests.Protocol;

/// <summary>The MIME reader over a corpus of mails of every usual shape, and of broken ones.</summary>
public sealed class MailReaderTests
{
    public static TheoryData<string, string, string, string, string> Corpus => new()
    {
        // file, sender address, sender name, subject, text
        { "plain.eml", "amina@example.org", "Amina Okello", "register Amina", "register Amina" },
        { "html-only.eml", "portal@example.org", "Clinic Portal", "Report", "Stock report for Gulu:\nORS & zinc: 40\nCoartem: 12\nCafé — <ok>\nline two" },
        { "multipart-alternative.eml", "bob@example.org", "", "alternative", "report 12 cases" },
        { "nested.eml", "carol@example.org", "Carol", "nested", "weight 3.2kg ✓" },
        { "qp-latin1.eml", "francois@example.fr", "François Ngó", "Résumé", "Bonjour, le café est prêt à l'école. Cette ligne est très longue et elle continue ici. \nDeuxième ligne = fin." },
        { "base64-utf8.eml", "jose@example.org", "José", "👋 salamu", "Habari! Ça va très bien, merci. مرحبا 👋\nМы получили ваш отчёт." },
        { "encoded-words.eml", "JOHN.DOE@example.org", "Doe, John", "this is some text — ça va ✓ and “quoted” plain", "body" },
        { "attachment.eml", "dave@example.org", "", "scan attached", "see the scan" },
        { "broken-mime.eml", "erin@example.org", "", "broken", "first part has no headers at all\nsecond part" },
        { "unknown-charset.eml", "frank@example.org", "", "unknown", "naïve café" },
        { "windows-1252.eml", "grace@example.org", "", "smart quotes", "“Stock” – 50€" },
        { "windows-1251.eml", "ivan@example.org", "", "отчёт", "Привет, мир" },
        { "iso-8859-2.eml", "zofia@example.pl", "", "Zażółć", "Zażółć gęślą jaźń" },
        { "format-flowed.eml", "henry@example.org", "", "flowed", "This is one long paragraph that a mailer wrapped at the seventy-eighth column with soft breaks.\n>not a quote, space-stuffed" },
        { "utf8-headers.eml", "zoe@example.org", "Zoë Ndlovu", "Grüße aus Zürich", "text without MIME headers" },
        { "lf-only.eml", "ivy@example.org", "", "unix", "line one continued\nline two" },
        { "subject-only.eml", "jack@example.org", "", "ping", "" },
        { "forwarded.eml", "kate@example.org", "Kate", "Fwd: stock report", "please log the report below" },
        { "forwarded-only.eml", "liam@example.org", "Liam", "Fwd: stock report", "" },
        { "digest.eml", "mona@example.org", "Mona", "three reports", "the week's reports are attached" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Read_CorpusMail_FindsSenderSubjectAndText(string file, string address, string name, string subject, string text)
    {
        var mail = MailReader.Read(Load(file));

        mail.From.Should().Be(new MailboxAddress(name, address));
        mail.Subject.Should().Be(subject);
        mail.Text.Should().Be(text);
        mail.MessageId.Should().StartWith("<").And.EndWith(">");
    }

    [Fact]
    public void Read_PlainMail_KeepsIdsAndDate()
    {
        var mail = MailReader.Read(Load("plain.eml"));

        mail.MessageId.Should().Be("<CAB123@mail.example.org>");
        mail.Date.Should().Be(new DateTimeOffset(2026, 11, 2, 8, 15, 0, TimeSpan.FromHours(3)));
        mail.Problems.Should().BeEmpty();
        mail.IsAutomatic.Should().BeFalse();
    }

    [Theory]
    [InlineData("broken-mime.eml", "closing boundary")]
    [InlineData("unknown-charset.eml", "x-made-up")]
    public void Read_BrokenMail_SaysWhatWasRepaired(string file, string problem)
    {
        MailReader.Read(Load(file)).Problems.Should().ContainSingle().Which.Should().Contain(problem);
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied", true)]
    [InlineData("Auto-Submitted: no", false)]
    [InlineData("Precedence: bulk", true)]
    [InlineData("Return-Path: <>", true)]
    [InlineData("X-Other: 1", false)]
    public void Read_MachineHeaders_MarkTheMailAutomatic(string header, bool automatic)
    {
        var mail = MailReader.Read(System.Text.Encoding.ASCII.GetBytes($"From: a@b.example\r\n{header}\r\n\r\nhi\r\n"));

        mail.IsAutomatic.Should().Be(automatic);
    }

    [Fact]
    public void Read_MultipartReport_IsAutomatic()
    {
        var mail = MailReader.Read(System.Text.Encoding.ASCII.GetBytes(
            "From: MAILER-DAEMON@b.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\n\r\nundeliverable\r\n--r--\r\n"));

        mail.IsAutomatic.Should().BeTrue();
        mail.Text.Should().Be("undeliverable");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage without any structure")]
    [InlineData("\r\n\r\n\r\n")]
    [InlineData("Content-Type: multipart/mixed\r\n\r\nno boundary parameter")]
    [InlineData("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n")]
    [InlineData("From: <>\r\nSubject: =?utf-8?B?####?= =?bogus?X?abc?=\r\n\r\n")]
    public void Read_Garbage_NeverThrows(string text)
    {
        var read = () => MailReader.Read(System.Text.Encoding.Latin1.GetBytes(text));

        read.Should().NotThrow();
    }

    [Fact]
    public void Read_DeeplyNestedMultiparts_StopsAtTheDepthLimit()
    {
        var builder = new System.Text.StringBuilder("From: a@b.example\r\n");
        for (var i = 0; i < 200; i++)
        {
            builder.Append($"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n");
        }

        builder.Append("Content-Type: text/plain\r\n\r\ndeep\r\n");

        var mail = MailReader.Read(System.Text.Encoding.ASCII.GetBytes(builder.ToString()));

        mail.From!.Address.Should().Be("a@b.example");
    }

    [Theory]
    [InlineData("Sun, 22 Nov 2026 01:05:03 +0000", "2026-11-22T01:05:03+00:00")]
    [InlineData("22 Nov 2026 01:05 -0800 (PST)", "2026-11-22T01:05:00-08:00")]
    [InlineData("Mon,  2 Nov 2026 08:15:00 GMT", "2026-11-02T08:15:00+00:00")]
    [InlineData("Tue, 3 Nov 26 10:00:00 EST", "2026-11-03T10:00:00-05:00")]
    public void ParseDate_Rfc5322AndObsoleteForms_Parse(string value, string expected)
    {
        MailReader.ParseDate(value).Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("<a@b> <c@d>", new[] { "<a@b>", "<c@d>" })]
    [InlineData("  <a@b>\r\n <c@d>", new[] { "<a@b>", "<c@d>" })]
    [InlineData("bare@id", new[] { "<bare@id>" })]
    [InlineData("", new string[0])]
    public void MessageIds_HeaderValues_AreSplit(string value, string[] expected)
    {
        MailReader.MessageIds(value).Should().Equal(expected);
    }

    internal static byte[] Load(string file) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Resources", "Mails", file));
}
