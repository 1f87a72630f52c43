namespace RapidSms.Testing.Gsm;

/// <summary>A message the backend sent through the simulator, reassembled from its parts.</summary>
/// <param name="Recipient">The destination number as it was in the PDU (<c>+</c> for international).</param>
/// <param name="Text">The whole text.</param>
/// <param name="Parts">How many parts it was sent in.</param>
/// <param name="MessageReferences">The references the simulator answered in <c>+CMGS</c>, one per part.</param>
/// <param name="StatusReportRequested">Whether a status report was requested.</param>
public sealed record GsmSimulatorMessage(string Recipient, string Text, int Parts, IReadOnlyList<int> MessageReferences, bool StatusReportRequested);
