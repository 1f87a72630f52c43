namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>A user data header (3GPP TS 23.040 §9.2.3.24): the information elements before the text.</summary>
public sealed class UserDataHeader
{
    /// <summary>Creates a header from elements.</summary>
    /// <param name="elements">The information elements, in order.</param>
    public UserDataHeader(IReadOnlyList<UserDataHeaderElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        Elements = elements;
        foreach (var element in elements)
        {
            var data = element.Data.Span;
            if (element.Id == 0x00 && data.Length == 3)
            {
                Concatenation = new ConcatenationInfo(data[0], data[1], data[2], Is16BitReference: false);
            }
            else if (element.Id == 0x08 && data.Length == 4)
            {
                Concatenation = new ConcatenationInfo((data[0] << 8) | data[1], data[2], data[3], Is16BitReference: true);
            }
        }
    }

    /// <summary>The information elements, in order.</summary>
    public IReadOnlyList<UserDataHeaderElement> Elements { get; }

    /// <summary>The concatenation element, when the message is one part of a long message.</summary>
    public ConcatenationInfo? Concatenation { get; }

    /// <summary>The header's length in octets, including the length octet itself.</summary>
    public int Length => 1 + Elements.Sum(e => 2 + e.Data.Length);

    /// <summary>Builds the header of one part of a long message.</summary>
    /// <param name="reference">The reference shared by all parts.</param>
    /// <param name="total">How many parts.</param>
    /// <param name="sequence">This part, from 1.</param>
    /// <param name="use16BitReference">Whether to use the 16-bit reference element.</param>
    public static UserDataHeader ForConcatenation(int reference, int total, int sequence, bool use16BitReference)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, 255);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, total);
        var element = use16BitReference
            ? new UserDataHeaderElement(0x08, new byte[] { (byte)(reference >> 8), (byte)reference, (byte)total, (byte)sequence })
            : new UserDataHeaderElement(0x00, new byte[] { (byte)reference, (byte)total, (byte)sequence });
        return new UserDataHeader([element]);
    }

    /// <summary>Reads a header whose first octet is its length (UDHL).</summary>
    /// <param name="octets">The user data, starting with the UDHL octet.</param>
    /// <exception cref="PduFormatException">The header runs past the data or an element past the header.</exception>
    public static UserDataHeader Parse(ReadOnlySpan<byte> octets)
    {
        if (octets.IsEmpty)
        {
            throw new PduFormatException("The user data header is missing.");
        }

        var length = octets[0];
        if (1 + length > octets.Length)
        {
            throw new PduFormatException($"The user data header claims {length} octets but only {octets.Length - 1} follow.");
        }

        var body = octets.Slice(1, length);
        var elements = new List<UserDataHeaderElement>();
        var position = 0;
        while (position < body.Length)
        {
            if (position + 2 > body.Length)
            {
                throw new PduFormatException("A user data header element is cut short.");
            }

            var id = body[position];
            var size = body[position + 1];
            if (position + 2 + size > body.Length)
            {
                throw new PduFormatException($"The user data header element 0x{id:X2} claims {size} octets beyond the header.");
            }

            elements.Add(new UserDataHeaderElement(id, body.Slice(position + 2, size).ToArray()));
            position += 2 + size;
        }

        return new UserDataHeader(elements);
    }

    /// <summary>Writes the header, starting with its length octet.</summary>
    public byte[] ToBytes()
    {
        var output = new List<byte> { (byte)(Length - 1) };
        foreach (var element in Elements)
        {
            output.Add(element.Id);
            output.Add((byte)element.Data.Length);
            output.AddRange(element.Data.ToArray());
        }

        return [.. output];
    }
}
