using RapidSms.Backends.Email.Protocol;

namespace RapidSms.Backends.Email.Tests.Protocol;

/// <summary>Finding the new text of a reply.</summary>
public sealed class QuotedReplyTests
{
    [Theory]
    [InlineData("ping\n\nOn Sun, Nov 22, 2026 at 1:05 AM Clinic SMS <sms@clinic.example> wrote:\n> pong\n>", "ping")]
    [InlineData("ping\n\nOn Sun, Nov 22, 2026 at 1:05 AM Clinic SMS <\nsms@clinic.example> wrote:\n\n> pong", "ping")]
    [InlineData("oui\n\nLe dim. 22 nov. 2026 à 01:05, Clinic <sms@clinic.example> a écrit :\n> pong", "oui")]
    [InlineData("ja\n\nAm 22.11.2026 um 01:05 schrieb Clinic:\n> pong", "ja")]
    [InlineData("stock 40\n\n-----Original Message-----\nFrom: Clinic\nSent: Sunday\n\nhow many?", "stock 40")]
    [InlineData("stock 40\n________________________________\nFrom: Clinic\n\nhow many?", "stock 40")]
    [InlineData("register Amina\n-- \nAmina Okello\nGulu", "register Amina")]
    [InlineData("yes\n\n> did you get it?\n> (sent by the clinic)\n", "yes")]
    [InlineData("> quoted first\nanswer below", "> quoted first\nanswer below")]
    [InlineData("just text\nwith two lines", "just text\nwith two lines")]
    [InlineData("On Monday we open at 9", "On Monday we open at 9")]
    [InlineData("> only a quote", "> only a quote")]
    [InlineData("-- \nonly a signature", "-- \nonly a signature")]
    public void Strip_Reply_KeepsOnlyTheNewText(string text, string expected)
    {
        QuotedReply.Strip(text).Should().Be(expected);
    }
}
