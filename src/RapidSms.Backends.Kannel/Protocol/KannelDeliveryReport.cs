using System.Globalization;

namespace RapidSms.Backends.Kannel.Protocol;

/// <summary>Kannel's delivery report types (the <c>%d</c> of a <c>dlr-url</c>) and what they mean to RapidSms.</summary>
internal static class KannelDeliveryReport
{
    /// <summary>Delivered to the phone.</summary>
    public const int Delivered = 1;

    /// <summary>Not delivered.</summary>
    public const int Failed = 2;

    /// <summary>Queued at the SMSC, not yet delivered.</summary>
    public const int Buffered = 4;

    /// <summary>The SMSC accepted the message.</summary>
    public const int SmscAck = 8;

    /// <summary>The SMSC refused the message.</summary>
    public const int SmscReject = 16;

    /// <summary>Every report type: the <c>dlr-mask</c> that asks for all of them.</summary>
    public const int All = Delivered | Failed | Buffered | SmscAck | SmscReject;

    /// <summary>Maps a Kannel report type to a delivery status.</summary>
    /// <param name="type">The <c>%d</c> value.</param>
    public static DeliveryStatus ToStatus(int type) => type switch
    {
        Delivered => DeliveryStatus.Delivered,
        Failed => DeliveryStatus.Failed,
        Buffered => DeliveryStatus.Queued,
        SmscAck => DeliveryStatus.Sent,
        SmscReject => DeliveryStatus.Rejected,
        _ => DeliveryStatus.Unknown,
    };

    /// <summary>
    /// Finds an error code in the SMSC's report text (<c>%A</c>), such as the <c>err:</c> field of an SMPP
    /// receipt (<c>id:… stat:UNDELIV err:034 text:…</c>) or Kannel's <c>NACK/0x00000045/…</c>.
    /// </summary>
    /// <param name="reply">The report text, or <see langword="null"/>.</param>
    /// <returns>The code, or <see langword="null"/> when there is none.</returns>
    public static string? FindErrorCode(string? reply)
    {
        if (string.IsNullOrEmpty(reply))
        {
            return null;
        }

        var err = reply.IndexOf("err:", StringComparison.OrdinalIgnoreCase);
        if (err >= 0)
        {
            var start = err + 4;
            var end = start;
            while (end < reply.Length && !char.IsWhiteSpace(reply[end]))
            {
                end++;
            }

            var code = reply[start..end];
            return code.Length == 0 || code.All(c => c == '0') ? null : code;
        }

        if (reply.StartsWith("NACK/", StringComparison.OrdinalIgnoreCase))
        {
            var rest = reply[5..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var code = slash < 0 ? rest : rest[..slash];
            return code.Length == 0 ? null : code;
        }

        return null;
    }

    /// <summary>Reads Kannel's <c>%T</c> (seconds since 1970, UTC).</summary>
    /// <param name="value">The value.</param>
    /// <param name="time">The time.</param>
    public static bool TryParseUnixTime(string? value, out DateTimeOffset time)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300800)
        {
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        time = default;
        return false;
    }
}
