namespace RapidSms.Backends.Email.Protocol;

/// <summary>Lenient base64 decoding for MIME bodies: line breaks and stray characters are skipped.</summary>
internal static class Base64
{
    /// <summary>Decodes what can be decoded; a truncated final group yields the bytes it holds.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> input)
    {
        var output = new byte[(input.Length * 3 / 4) + 3];
        var length = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var b in input)
        {
            int value;
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                value = b - 'A';
            }
            else if (b is >= (byte)'a' and <= (byte)'z')
            {
                value = b - 'a' + 26;
            }
            else if (b is >= (byte)'0' and <= (byte)'9')
            {
                value = b - '0' + 52;
            }
            else if (b == (byte)'+' || b == (byte)'-')
            {
                value = 62;
            }
            else if (b == (byte)'/' || b == (byte)'_')
            {
                value = 63;
            }
            else if (b == (byte)'=')
            {
                // Padding ends a group; anything after it starts afresh (concatenated base64 exists in the wild).
                buffer = 0;
                bits = 0;
                continue;
            }
            else
            {
                continue;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[length++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return output.AsSpan(0, length).ToArray();
    }
}
