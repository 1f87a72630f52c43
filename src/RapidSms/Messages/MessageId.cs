using System.Security.Cryptography;

namespace RapidSms;

/// <summary>
/// Message ids: 32 lowercase hex digits, the shape of a UUID without dashes. A random 64-bit prefix
/// chosen once per process, then a 64-bit counter: unique across processes and restarts, and far
/// cheaper than a new GUID per message. Ids are not secrets; do not use them as credentials.
/// </summary>
internal static class MessageId
{
    private static readonly ulong Prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter;

    public static string New()
    {
        var sequence = (ulong)Interlocked.Increment(ref _counter);
        return string.Create(32, sequence, static (span, value) =>
        {
            Prefix.TryFormat(span[..16], out _, "x16", provider: null);
            value.TryFormat(span[16..], out _, "x16", provider: null);
        });
    }
}
