namespace RapidSms.Backends.Smpp;

/// <summary>
/// Keys of <see cref="MessageBase.Fields"/> the SMPP backend reads on outgoing messages (per-message settings)
/// and sets on incoming ones.
/// </summary>
public static class SmppFields
{
    /// <summary>Outgoing: the source address for this message (overrides <see cref="SmppOptions.SourceAddress"/>). Incoming: the address the message was sent to (a short code).</summary>
    public const string SourceAddress = "smpp.source_addr";

    /// <summary>Outgoing: the source TON for this message, a number (overrides <see cref="SmppOptions.SourceTon"/>).</summary>
    public const string SourceTon = "smpp.source_addr_ton";

    /// <summary>Outgoing: the source NPI for this message, a number (overrides <see cref="SmppOptions.SourceNpi"/>).</summary>
    public const string SourceNpi = "smpp.source_addr_npi";

    /// <summary>Outgoing: the <see cref="SmppTextEncoding"/> for this message, as the enum or its name (overrides <see cref="SmppOptions.Encoding"/>).</summary>
    public const string Encoding = "smpp.encoding";

    /// <summary>Incoming: the destination address the message was sent to.</summary>
    public const string DestinationAddress = "smpp.destination_addr";

    /// <summary>Incoming: the data_coding the message arrived with (a byte).</summary>
    public const string DataCoding = "smpp.data_coding";

    /// <summary>Incoming: how many parts a concatenated message had (an int); absent for a single message.</summary>
    public const string Parts = "smpp.parts";

    /// <summary>Incoming: <see langword="true"/> when a concatenated message is delivered without all its parts (reassembly timed out).</summary>
    public const string Incomplete = "smpp.incomplete";
}
