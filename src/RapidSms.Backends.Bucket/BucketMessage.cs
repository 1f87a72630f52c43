namespace RapidSms.Backends.Bucket;

/// <summary>One message the bucket backend sent to one identity.</summary>
/// <param name="Identity">The recipient.</param>
/// <param name="Text">The text sent.</param>
/// <param name="Message">The outgoing message it came from.</param>
/// <param name="BackendMessageId">The id the bucket gave it.</param>
/// <param name="SentAt">When it was sent.</param>
public sealed record BucketMessage(string Identity, string Text, OutgoingMessage Message, string BackendMessageId, DateTimeOffset SentAt);
