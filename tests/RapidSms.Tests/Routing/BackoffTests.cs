namespace RapidSms.Tests.Routing;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 2.0)]
    [InlineData(3, 4.0)]
    [InlineData(6, 32.0)]
    public void Delay_DoublesPerAttempt_WithJitterOfTwentyPercent(int attempt, double seconds)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => Backoff.Delay(TimeSpan.FromSeconds(1), attempt, TimeSpan.FromMinutes(1))).ToList();

        delays.Should().AllSatisfy(d => d.TotalSeconds.Should().BeInRange(seconds * 0.8, seconds * 1.2));
        delays.Distinct().Should().HaveCountGreaterThan(1, "retries that failed together must not retry together");
    }

    [Fact]
    public void Delay_IsCappedAtTheMaximum()
    {
        Backoff.Delay(TimeSpan.FromSeconds(1), 40, TimeSpan.FromMinutes(1)).Should().BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        Backoff.Delay(TimeSpan.Zero, 5, TimeSpan.FromMinutes(1)).Should().Be(TimeSpan.Zero);
    }
}
