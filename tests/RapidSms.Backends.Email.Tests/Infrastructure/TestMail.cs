using System.Text;

namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>Mails written by hand in the tests (not by the backend's writer), as another mailer would.</summary>
public static class TestMail
{
    private static long _counter;

    /// <summary>A plain-text mail in UTF-8 and base64, with an RFC 2047 subject.</summary>
    public static byte[] Plain(string from, string to, string subject, string text, string? messageId = null, string? extraHeaders = null)
    {
        var id = messageId ?? $"<test-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}@mailer.test>";
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)), Base64FormattingOptions.InsertLineBreaks);
        var mail = $"""
            From: "Test Sender" <{from}>
            To: <{to}>
            Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))}?=
            Date: Sun, 22 Nov 2026 01:00:00 +0000
            Message-ID: {id}
            {extraHeaders ?? "X-Test: yes"}
            MIME-Version: 1.0
            Content-Type: text/plain; charset="UTF-8"
            Content-Transfer-Encoding: base64

            {body}

            """;
        return Encoding.UTF8.GetBytes(mail.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
    }
}
