using RapidSms.Backends.Bucket;

namespace RapidSms;

/// <summary>Chooses the bucket engine for a backend.</summary>
public static class BucketBackendBuilderExtensions
{
    /// <summary>Uses the in-memory bucket backend.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; <see langword="null"/> keeps the defaults.</param>
    /// <example><code>rapid.AddBackend("message_tester", b => b.UseBucket());</code></example>
    public static IBackendBuilder UseBucket(this IBackendBuilder builder, Action<BucketOptions>? configure = null) =>
        builder.Use<BucketBackend, BucketOptions>(configure);
}
