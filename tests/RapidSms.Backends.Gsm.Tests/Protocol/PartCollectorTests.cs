using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm.Tests.Protocol;

public sealed class PartCollectorTests
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeWaitingSince_MessageMissingAPart_GivesThePartsInOrderAndNamesTheMissingOnes()
    {
        var parts = new PartCollector<string>();
        parts.Add("+256700000001", new ConcatenationInfo(7, 4, 3, false), "three", Start.AddMinutes(1)).Should().BeNull();
        parts.Add("+256700000001", new ConcatenationInfo(7, 4, 1, false), "one", Start).Should().BeNull();

        parts.TakeWaitingSince(Start.AddSeconds(-1)).Should().BeEmpty();
        var taken = parts.TakeWaitingSince(Start).Should().ContainSingle().Subject;

        taken.Parts.Should().Equal("one", "three");
        taken.Missing.Should().Equal(2, 4);
        taken.Total.Should().Be(4);
        taken.Reference.Should().Be(7);
        parts.PendingParts.Should().Be(0);
        parts.OldestWaitingSince.Should().BeNull();
    }

    [Fact]
    public void OldestWaitingSince_EarliestPartOfTheLongestWaitingMessage()
    {
        var parts = new PartCollector<string>();
        parts.Add("+256700000001", new ConcatenationInfo(1, 2, 2, false), "late part seen first", Start.AddMinutes(5));
        parts.Add("+256700000001", new ConcatenationInfo(1, 3, 1, false), "other message", Start.AddMinutes(3));
        parts.Add("+256700000002", new ConcatenationInfo(1, 2, 1, true), "16-bit reference", Start.AddMinutes(4));

        parts.OldestWaitingSince.Should().Be(Start.AddMinutes(3));
        parts.TakeWaitingSince(Start.AddMinutes(4)).Select(m => m.Parts[0]).Should().BeEquivalentTo("other message", "16-bit reference");
        parts.Pending.Should().Equal("late part seen first");
    }

    [Fact]
    public void Add_LastPartArrives_CompleteMessageLeavesNothingWaiting()
    {
        var parts = new PartCollector<string>();
        parts.Add("+256700000001", new ConcatenationInfo(9, 2, 2, false), "b", Start);

        parts.Add("+256700000001", new ConcatenationInfo(9, 2, 1, false), "a", Start.AddHours(2)).Should().Equal("a", "b");

        parts.TakeWaitingSince(Start.AddDays(1)).Should().BeEmpty();
    }

    [Fact]
    public void RemoveWhere_DropsThePickedPartsAndEmptyMessages_KeepsTheRest()
    {
        var parts = new PartCollector<string>();
        parts.Add("+256700000001", new ConcatenationInfo(1, 3, 1, false), "stored", Start);
        parts.Add("+256700000001", new ConcatenationInfo(1, 3, 2, false), "direct", Start);
        parts.Add("+256700000002", new ConcatenationInfo(2, 2, 1, false), "stored too", Start);

        parts.RemoveWhere(p => p.StartsWith("stored", StringComparison.Ordinal));

        parts.Pending.Should().Equal("direct");
        parts.Add("+256700000001", new ConcatenationInfo(1, 3, 1, false), "stored", Start).Should().BeNull();
        parts.Add("+256700000001", new ConcatenationInfo(1, 3, 3, false), "last", Start).Should().Equal("stored", "direct", "last");
    }
}
