namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>One destination of submit_multi: an SME address or a distribution list name.</summary>
/// <param name="Address">The SME address, when <paramref name="DistributionList"/> is <see langword="null"/>.</param>
/// <param name="DistributionList">A distribution list name, or <see langword="null"/> for an SME address.</param>
public readonly record struct SmppMultiDestination(SmppAddress Address, string? DistributionList = null);
