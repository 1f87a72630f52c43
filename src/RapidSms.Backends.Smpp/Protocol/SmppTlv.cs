using System.Buffers.Binary;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>An optional parameter of a PDU: a tag and its value octets.</summary>
/// <param name="Tag">The parameter tag (see <see cref="SmppTlvTag"/>).</param>
/// <param name="Value">The value octets.</param>
public readonly record struct SmppTlv(ushort Tag, ReadOnlyMemory<byte> Value)
{
    /// <summary>A parameter with a one-octet value.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="value">The value.</param>
    public static SmppTlv FromByte(ushort tag, byte value) => new(tag, new[] { value });

    /// <summary>A parameter with a two-octet big-endian value.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="value">The value.</param>
    public static SmppTlv FromUInt16(ushort tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return new(tag, bytes);
    }

    /// <summary>A parameter holding a NUL-terminated ASCII string.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="value">The string.</param>
    public static SmppTlv FromCString(ushort tag, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = new byte[value.Length + 1];
        System.Text.Encoding.ASCII.GetBytes(value, bytes);
        return new(tag, bytes);
    }

    /// <summary>The value read as an unsigned integer of its length (1, 2 or 4 octets), or <see langword="null"/>.</summary>
    public uint? AsUInt32() => Value.Length switch
    {
        1 => Value.Span[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(Value.Span),
        4 => BinaryPrimitives.ReadUInt32BigEndian(Value.Span),
        _ => null,
    };

    /// <summary>The value read as an ASCII string without its NUL terminator.</summary>
    public string AsString()
    {
        var span = Value.Span;
        var end = span.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? span : span[..end]);
    }
}
