namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>An SMPP address: type of number, numbering plan indicator and the address digits or name.</summary>
/// <param name="Ton">Type of number (0 unknown, 1 international, 2 national, 5 alphanumeric, …).</param>
/// <param name="Npi">Numbering plan indicator (0 unknown, 1 ISDN/E.164, …).</param>
/// <param name="Address">The address; empty when absent.</param>
public readonly record struct SmppAddress(byte Ton, byte Npi, string Address)
{
    /// <summary>An empty address (TON 0, NPI 0, no digits).</summary>
    public static SmppAddress Empty { get; } = new(0, 0, string.Empty);

    /// <summary>The address as written, for diagnostics.</summary>
    public override string ToString() => $"{Address} (ton {Ton}, npi {Npi})";
}
