namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>A destination submit_multi_resp reports as failed.</summary>
/// <param name="Address">The address.</param>
/// <param name="Status">Why it failed.</param>
public readonly record struct SmppUnsuccessfulDestination(SmppAddress Address, SmppCommandStatus Status);
