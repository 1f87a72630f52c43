namespace RapidSms;

/// <summary>Exponential back-off with jitter, so many clients that failed together do not retry together.</summary>
internal static class Backoff
{
    /// <summary>
    /// The delay before retry <paramref name="attempt"/> (1-based): <paramref name="initial"/> doubled per attempt,
    /// capped at <paramref name="max"/>, then a random 80–120 % of that.
    /// </summary>
    public static TimeSpan Delay(TimeSpan initial, int attempt, TimeSpan max)
    {
        if (initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks);
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromTicks((long)Math.Min(ticks * jitter, max.Ticks));
    }
}
