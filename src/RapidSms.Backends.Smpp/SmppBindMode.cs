namespace RapidSms.Backends.Smpp;

/// <summary>How the backend binds to the SMSC.</summary>
public enum SmppBindMode
{
    /// <summary>One bind_transceiver link that sends and receives.</summary>
    Transceiver = 0,

    /// <summary>Two links: bind_transmitter to send and bind_receiver to receive (SMSCs that do not offer transceivers).</summary>
    TransmitterAndReceiver,

    /// <summary>Only bind_transmitter: send, never receive (no incoming messages, no receipts).</summary>
    Transmitter,

    /// <summary>Only bind_receiver: receive, never send.</summary>
    Receiver,
}
