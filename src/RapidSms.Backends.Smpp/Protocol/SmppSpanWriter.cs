using System.Buffers.Binary;
using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Writes PDU fields into a span the caller sized with the codec's length calculation.</summary>
internal ref struct SmppSpanWriter
{
    private readonly Span<byte> _span;

    public SmppSpanWriter(Span<byte> span)
    {
        _span = span;
        Position = 0;
    }

    public int Position { get; private set; }

    public void WriteByte(byte value) => _span[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[Position..], value);
        Position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[Position..], value);
        Position += 4;
    }

    public void WriteCString(string value)
    {
        Position += Encoding.Latin1.GetBytes(value, _span[Position..]);
        _span[Position++] = 0;
    }

    public void WriteOctets(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[Position..]);
        Position += value.Length;
    }

    public void WriteAddress(SmppAddress address)
    {
        WriteByte(address.Ton);
        WriteByte(address.Npi);
        WriteCString(address.Address);
    }
}
