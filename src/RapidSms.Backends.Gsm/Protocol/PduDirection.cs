namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>Which way a PDU travels, which decides what its message type indicator means.</summary>
public enum PduDirection
{
    /// <summary>From the service centre to the modem: SMS-DELIVER and SMS-STATUS-REPORT.</summary>
    ToMobile = 0,

    /// <summary>From the modem to the service centre: SMS-SUBMIT.</summary>
    FromMobile = 1,
}
