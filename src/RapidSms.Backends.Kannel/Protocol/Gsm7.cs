using System.Buffers;

namespace RapidSms.Backends.Kannel.Protocol;

/// <summary>
/// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038): a text made only of these
/// characters can go out with Kannel's default coding; anything else needs UCS-2 (<c>coding=2</c>).
/// </summary>
internal static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Alphabet = SearchValues.Create(Basic + Extension);

    /// <summary>Whether every character of <paramref name="text"/> is in the GSM 7-bit alphabet or its extension table.</summary>
    /// <param name="text">The text.</param>
    public static bool CanEncode(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Alphabet);
}
