namespace RapidSms.Backends.Smpp.Tests;

public sealed class ReceiptTrackerTests
{
    private static TrackedPart Part(string id = "m1") => new(new TrackedMessage(id, "+256700000001", 1), 0);

    [Theory]
    [InlineData("0000ABCD", "abcd")]
    [InlineData("0A", "10")]
    [InlineData("10", "a")]
    [InlineData("  00042 ", "42")]
    public void TryFind_IdInAnotherFormOrCase_FindsThePart(string answered, string reported)
    {
        var tracker = new ReceiptTracker(10);
        var part = Part();
        tracker.Register(answered, part);

        tracker.TryFind(reported, out var found).Should().BeTrue();
        found.Should().BeSameAs(part);
    }

    [Fact]
    public void TryFind_SubmitMultiId_FindsEachRecipientByTheReceiptsSourceAddress()
    {
        var tracker = new ReceiptTracker(10);
        var first = Part("a");
        var second = Part("b");
        tracker.Register("0A", first, "256700000001");
        tracker.Register("0A", second, "256700000002");

        tracker.TryFind("10", "256700000002", out var found).Should().BeTrue();
        found.Should().BeSameAs(second);
        tracker.TryFind("0a", "256700000001", out found).Should().BeTrue();
        found.Should().BeSameAs(first);
        tracker.TryFind("0A", "256700000009", out _).Should().BeFalse("another handset's receipt is not theirs");
        tracker.TryFind("0A", out _).Should().BeFalse("the id alone names no single recipient");
    }

    [Fact]
    public async Task WaitForAsync_SubmitMultiReceiptBeforeRegistration_CompletesWhenRecipientRegistered()
    {
        var tracker = new ReceiptTracker(10);
        var part = Part();

        var waiting = tracker.WaitForAsync("5", "256700000002", TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        tracker.Register("5", Part("other"), "256700000001");
        tracker.Register("5", part, "256700000002");

        (await waiting).Should().BeSameAs(part);
    }

    [Fact]
    public async Task WaitForAsync_ReceiptBeforeRegistration_CompletesWhenRegistered()
    {
        var tracker = new ReceiptTracker(10);
        var part = Part();

        var waiting = tracker.WaitForAsync("77", TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        tracker.Register("77", part);

        (await waiting).Should().BeSameAs(part);
    }

    [Fact]
    public async Task WaitForAsync_NeverRegistered_GivesNullAfterTimeout()
    {
        var tracker = new ReceiptTracker(10);

        (await tracker.WaitForAsync("77", TimeSpan.FromMilliseconds(20), TimeProvider.System, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public void Register_BeyondCapacity_ForgetsOldest()
    {
        var tracker = new ReceiptTracker(2);
        for (var i = 0; i < 50; i++)
        {
            tracker.Register("x" + i, Part());
        }

        tracker.Count.Should().BeLessThanOrEqualTo(4);
        tracker.TryFind("x49", out _).Should().BeTrue();
    }

    [Fact]
    public void TrackedMessage_ThreeParts_ReportsOnceWithWorstState()
    {
        var message = new TrackedMessage("m", "+1", 3);

        message.Record(0, DeliveryStatus.Delivered, true).Should().BeNull();
        message.Record(1, DeliveryStatus.Failed, true).Should().BeNull();
        message.Record(2, DeliveryStatus.Delivered, true).Should().Be(DeliveryStatus.Failed);
        message.Record(2, DeliveryStatus.Delivered, true).Should().BeNull();
    }
}
