namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Reads and writes the user data header (3GPP TS 23.040 9.2.3.24) of concatenated messages.</summary>
public static class SmppUserDataHeader
{
    /// <summary>The length of the header <see cref="WriteConcatenation"/> writes: 6 octets.</summary>
    public const int ConcatenationLength = 6;

    /// <summary>Reads the header at the start of <paramref name="shortMessage"/> (sent with esm_class 0x40).</summary>
    /// <param name="shortMessage">The short message, header first.</param>
    /// <param name="headerLength">The header's length including its length octet.</param>
    /// <param name="concatenation">The concatenation element (IEI 0x00 or 0x08), if any.</param>
    /// <returns><see langword="false"/> when the header is truncated or malformed.</returns>
    public static bool TryRead(ReadOnlySpan<byte> shortMessage, out int headerLength, out SmppConcatenation? concatenation)
    {
        concatenation = null;
        headerLength = 0;
        if (shortMessage.IsEmpty)
        {
            return false;
        }

        var udhl = shortMessage[0];
        if (udhl + 1 > shortMessage.Length)
        {
            return false;
        }

        headerLength = udhl + 1;
        var elements = shortMessage.Slice(1, udhl);
        while (elements.Length >= 2)
        {
            var iei = elements[0];
            var length = elements[1];
            if (length + 2 > elements.Length)
            {
                return false;
            }

            var data = elements.Slice(2, length);
            if (iei == 0x00 && length == 3 && data[1] > 0 && data[2] > 0 && data[2] <= data[1])
            {
                concatenation = new SmppConcatenation(data[0], data[1], data[2]);
            }
            else if (iei == 0x08 && length == 4 && data[2] > 0 && data[3] > 0 && data[3] <= data[2])
            {
                concatenation = new SmppConcatenation((ushort)((data[0] << 8) | data[1]), data[2], data[3]);
            }

            elements = elements[(length + 2)..];
        }

        return elements.IsEmpty;
    }

    /// <summary>Writes a header with one 8-bit-reference concatenation element (IEI 0x00).</summary>
    /// <param name="destination">At least <see cref="ConcatenationLength"/> octets.</param>
    /// <param name="reference">The reference shared by all parts.</param>
    /// <param name="total">How many parts.</param>
    /// <param name="sequence">This part, from 1.</param>
    /// <returns><see cref="ConcatenationLength"/>.</returns>
    public static int WriteConcatenation(Span<byte> destination, byte reference, byte total, byte sequence)
    {
        destination[0] = 5;
        destination[1] = 0x00;
        destination[2] = 3;
        destination[3] = reference;
        destination[4] = total;
        destination[5] = sequence;
        return ConcatenationLength;
    }
}
