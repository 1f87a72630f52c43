namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>One information element of a user data header.</summary>
public sealed class UserDataHeaderElement
{
    /// <summary>Creates an element.</summary>
    /// <param name="id">The information element identifier (0x00 8-bit concatenation, 0x08 16-bit concatenation, 0x04/0x05 ports, …).</param>
    /// <param name="data">The element's data octets.</param>
    public UserDataHeaderElement(byte id, ReadOnlyMemory<byte> data)
    {
        Id = id;
        Data = data;
    }

    /// <summary>The information element identifier.</summary>
    public byte Id { get; }

    /// <summary>The element's data octets.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
