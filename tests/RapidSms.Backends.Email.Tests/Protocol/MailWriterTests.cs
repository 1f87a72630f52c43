using System.Text;
using RapidSms.Backends.Email.Client;
using RapidSms.Backends.Email.Protocol;

namespace RapidSms.Backends.Email.Tests.Protocol;

/// <summary>The mail writer, and the SMTP DATA encoding.</summary>
public sealed class MailWriterTests
{
    private static OutgoingMail Mail(string subject, string text) => new()
    {
        From = new MailboxAddress("Clinic Gulu — SMS", "sms@clinic.example"),
        To = new MailboxAddress("", "amina@example.org"),
        Subject = subject,
        Text = text,
        MessageId = "<id-1@clinic.example>",
        Date = new DateTimeOffset(2026, 11, 22, 1, 5, 3, TimeSpan.FromHours(3)),
        InReplyTo = "<q@example.org>",
        References = ["<root@example.org>", "<q@example.org>"],
        IsAutoReply = true,
    };

    [Theory]
    [InlineData("Re: ça marche?", "Merci, à bientôt! ✓\nSecond line\r\n.\nFrom here")]
    [InlineData("plain", "Habari! Ça va très bien, merci. مرحبا 👋")]
    [InlineData("", "")]
    public void Write_ThenRead_GivesBackTheSameMail(string subject, string text)
    {
        var bytes = MailWriter.Write(Mail(subject, text));
        var read = MailReader.Read(bytes);

        read.Subject.Should().Be(subject);
        read.Text.Should().Be(text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim());
        read.From.Should().Be(new MailboxAddress("Clinic Gulu — SMS", "sms@clinic.example"));
        read.MessageId.Should().Be("<id-1@clinic.example>");
        read.InReplyTo.Should().Be("<q@example.org>");
        read.References.Should().Equal("<root@example.org>", "<q@example.org>");
        read.Date.Should().Be(new DateTimeOffset(2026, 11, 22, 1, 5, 3, TimeSpan.FromHours(3)));
    }

    [Fact]
    public void Write_AnyText_IsSevenBitWithShortCrLfLines()
    {
        var bytes = MailWriter.Write(Mail("Ünïcödé " + new string('x', 200), string.Concat(Enumerable.Repeat("é👋 ", 300))));
        var text = Encoding.ASCII.GetString(bytes);

        bytes.Should().OnlyContain(b => b < 0x80);
        text.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\r").And.NotContain("\n");
        text.Split("\r\n").Should().OnlyContain(line => line.Length <= 78);
        text.Should().Contain("\r\nAuto-Submitted: auto-replied\r\n")
            .And.Contain("\r\nContent-Transfer-Encoding: quoted-printable\r\n")
            .And.Contain("\r\nDate: Sun, 22 Nov 2026 01:05:03 +0300\r\n");
    }

    [Fact]
    public void Write_LongThread_KeepsTheRootAndTheLatestReferences()
    {
        var references = Enumerable.Range(1, 50).Select(i => $"<r{i}@x.example>").ToArray();
        var read = MailReader.Read(MailWriter.Write(Mail("s", "t") with { References = references }));

        read.References.Should().HaveCount(MailWriter.MaxReferences);
        read.References[0].Should().Be("<r1@x.example>");
        read.References[^1].Should().Be("<r50@x.example>");
    }

    [Fact]
    public void NewMessageId_UsesTheSendersDomain()
    {
        MailWriter.NewMessageId("sms@clinic.example").Should().MatchRegex("^<[0-9a-f]{32}\\.rapidsms@clinic\\.example>$");
    }

    [Theory]
    [InlineData("a\r\nb", "a\r\nb\r\n.\r\n")]
    [InlineData("a\nb\n", "a\r\nb\r\n.\r\n")]
    [InlineData(".x\r\n..y\r\nz.", "..x\r\n...y\r\nz.\r\n.\r\n")]
    [InlineData(".", "..\r\n.\r\n")]
    [InlineData("bare\rcr", "bare\r\ncr\r\n.\r\n")]
    public void DotStuff_Body_IsSafeForData(string body, string expected)
    {
        Encoding.ASCII.GetString(SmtpClient.DotStuff(Encoding.ASCII.GetBytes(body))).Should().Be(expected);
    }
}
