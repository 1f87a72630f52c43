namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>One encoded PDU, ready for <c>AT+CMGS=<see cref="TpduLength"/></c> followed by <see cref="Hex"/>.</summary>
/// <param name="Hex">The whole PDU in upper-case hex, service-centre field included.</param>
/// <param name="TpduLength">The TPDU's length in octets (the PDU without its service-centre field), as <c>AT+CMGS</c> wants it.</param>
public sealed record EncodedPdu(string Hex, int TpduLength);
