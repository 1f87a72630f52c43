using System.Buffers.Binary;
using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Reads PDU fields from a span with bounds checks; a read past the end or an unterminated string sets <see cref="Error"/> instead of throwing.</summary>
internal ref struct SmppSpanReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public SmppSpanReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
        Error = null;
    }

    public string? Error { get; private set; }

    public readonly int Remaining => _span.Length - _position;

    public byte ReadByte(string field)
    {
        if (Error is not null)
        {
            return 0;
        }

        if (_position >= _span.Length)
        {
            Error = $"{field} is missing: the PDU ends early";
            return 0;
        }

        return _span[_position++];
    }

    public ushort ReadUInt16(string field)
    {
        if (Error is not null)
        {
            return 0;
        }

        if (Remaining < 2)
        {
            Error = $"{field} is missing: the PDU ends early";
            return 0;
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
        _position += 2;
        return value;
    }

    public uint ReadUInt32(string field)
    {
        if (Error is not null)
        {
            return 0;
        }

        if (Remaining < 4)
        {
            Error = $"{field} is missing: the PDU ends early";
            return 0;
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(_span[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>Reads a C-octet string of at most <paramref name="maxLength"/> octets including the NUL.</summary>
    public string ReadCString(string field, int maxLength)
    {
        if (Error is not null)
        {
            return string.Empty;
        }

        var rest = _span[_position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            Error = $"{field} is not NUL-terminated";
            return string.Empty;
        }

        if (end + 1 > maxLength)
        {
            Error = $"{field} is {end + 1} octets long, more than the {maxLength} allowed";
            return string.Empty;
        }

        _position += end + 1;
        return end == 0 ? string.Empty : Encoding.Latin1.GetString(rest[..end]);
    }

    public ReadOnlySpan<byte> ReadOctets(string field, int length)
    {
        if (Error is not null)
        {
            return default;
        }

        if (length > Remaining)
        {
            Error = $"{field} needs {length} octets but only {Remaining} remain";
            return default;
        }

        var value = _span.Slice(_position, length);
        _position += length;
        return value;
    }

    public SmppAddress ReadAddress(string field, int maxLength)
    {
        var ton = ReadByte(field + " ton");
        var npi = ReadByte(field + " npi");
        var address = ReadCString(field, maxLength);
        return new SmppAddress(ton, npi, address);
    }

    public void Fail(string error) => Error ??= error;
}
