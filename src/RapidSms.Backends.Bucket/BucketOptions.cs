using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Bucket;

/// <summary>Options of the bucket backend.</summary>
public sealed class BucketOptions
{
    /// <summary>
    /// How many received and how many sent messages to keep; the oldest are forgotten beyond that, so a
    /// long-running host does not grow without bound. Defaults to 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxKept { get; set; } = 10_000;

    /// <summary>
    /// Identities that sending to fails (permanently), to exercise partial failures in tests.
    /// Defaults to none.
    /// </summary>
    public IList<string> FailIdentities { get; } = [];
}
