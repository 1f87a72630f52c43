namespace RapidSms.Tests.Docs;

/// <summary>A clock stopped at one instant, in UTC, for examples that depend on the time of day.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
