using System.Globalization;
using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>
/// Writes an <see cref="OutgoingMail"/> as RFC 5322 bytes that survive any relay: 7-bit only (but for
/// an internationalized address, which needs SMTPUTF8 anyway), CRLF line breaks, headers of non-ASCII
/// text as RFC 2047 encoded words, the body as UTF-8 in quoted-printable.
/// </summary>
internal static class MailWriter
{
    /// <summary>How many References ids to keep; older ones are dropped, the first (thread root) kept.</summary>
    public const int MaxReferences = 20;

    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Writes <paramref name="mail"/>.</summary>
    public static byte[] Write(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var output = new StringBuilder();
        void Header(string name, string value) => output.Append(name).Append(": ").Append(value).Append("\r\n");

        Header("Message-ID", mail.MessageId);
        Header("Date", FormatDate(mail.Date));
        Header("From", mail.From.ToHeaderValue());
        Header("To", mail.To.ToHeaderValue());
        Header("Subject", EncodedWords.Encode(mail.Subject));
        if (mail.InReplyTo is not null)
        {
            Header("In-Reply-To", mail.InReplyTo);
        }

        if (mail.References.Count > 0)
        {
            var references = mail.References.Count <= MaxReferences
                ? mail.References
                : [mail.References[0], .. mail.References.Skip(mail.References.Count - (MaxReferences - 1))];
            Header("References", string.Join("\r\n ", references));
        }

        if (mail.IsAutoReply)
        {
            Header("Auto-Submitted", "auto-replied");
        }

        Header("MIME-Version", "1.0");
        Header("Content-Type", "text/plain; charset=utf-8");
        Header("Content-Transfer-Encoding", "quoted-printable");
        output.Append("\r\n");

        var text = mail.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);
        output.Append(QuotedPrintable.Encode(Encoding.UTF8.GetBytes(text)));
        output.Append("\r\n");

        // 7-bit throughout, except an internationalized address (RFC 6532), which is sent with SMTPUTF8.
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>Formats a date the RFC 5322 way: "Sun, 22 Nov 2026 01:05:03 +0000".</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Days[(int)date.DayOfWeek]}, {date.Day} {Months[date.Month - 1]} {date.Year:D4} {date.Hour:D2}:{date.Minute:D2}:{date.Second:D2} {sign}{offset.Hours:D2}{offset.Minutes:D2}");
    }

    /// <summary>A new globally unique message id for mail sent from <paramref name="fromAddress"/>'s domain.</summary>
    public static string NewMessageId(string fromAddress)
    {
        var at = fromAddress.LastIndexOf('@');
        var domain = at < 0 || at == fromAddress.Length - 1 ? "rapidsms.local" : fromAddress[(at + 1)..];
        return $"<{Guid.NewGuid():N}.rapidsms@{domain}>";
    }
}
