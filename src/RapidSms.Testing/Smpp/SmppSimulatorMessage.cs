namespace RapidSms.Testing;

/// <summary>A whole message the <see cref="SmppSimulator"/> received: one submission, or all parts of a long one joined.</summary>
/// <param name="To">The destination ("+" added for TON 1).</param>
/// <param name="Text">The text, joined from its parts.</param>
/// <param name="Parts">The submissions it arrived in, in part order.</param>
public sealed record SmppSimulatorMessage(string To, string Text, IReadOnlyList<SmppSubmission> Parts);
