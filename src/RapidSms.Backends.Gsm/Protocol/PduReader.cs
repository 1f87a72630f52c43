namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>Reads a PDU's octets field by field, failing with the field's name when it runs out.</summary>
internal ref struct PduReader
{
    private readonly ReadOnlySpan<byte> _octets;
    private int _position;

    public PduReader(ReadOnlySpan<byte> octets)
    {
        _octets = octets;
        _position = 0;
    }

    public readonly int Remaining => _octets.Length - _position;

    public byte ReadByte(string field)
    {
        if (_position >= _octets.Length)
        {
            throw new PduFormatException($"The PDU ends before the {field} (octet {_position}).");
        }

        return _octets[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count > Remaining)
        {
            throw new PduFormatException($"The {field} needs {count} octets at octet {_position} but only {Remaining} remain.");
        }

        var slice = _octets.Slice(_position, count);
        _position += count;
        return slice;
    }
}
