namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>A long message given up on: the parts that arrived, in order, and the sequence numbers that did not.</summary>
internal sealed record IncompleteMessage<T>(string Sender, int Reference, int Total, IReadOnlyList<T> Parts, IReadOnlyList<int> Missing);
