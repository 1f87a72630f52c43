namespace RapidSms;

internal static class MessageId
{
    // 32 lowercase hex digits, like a UUID without dashes: short enough for SMSC correlation fields.
    public static string New() => Guid.NewGuid().ToString("N");
}
