using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Testing;

/// <summary>One submit_sm the <see cref="SmppSimulator"/> accepted, decoded.</summary>
/// <param name="Pdu">The PDU as received.</param>
/// <param name="MessageId">The id the simulator answered with.</param>
/// <param name="Text">The text of this PDU (without the user data header), decoded by its data_coding.</param>
/// <param name="Concatenation">Where this part belongs, for a part of a long message (UDH or SAR).</param>
public sealed record SmppSubmission(SmppPdu Pdu, string MessageId, string Text, SmppConcatenation? Concatenation)
{
    /// <summary>The destination address as the peer would report it ("+" added for TON 1).</summary>
    public string To => Pdu.Destination.Ton == 1 ? "+" + Pdu.Destination.Address : Pdu.Destination.Address;

    /// <summary>The source address as sent.</summary>
    public string From => Pdu.Source.Address;
}
