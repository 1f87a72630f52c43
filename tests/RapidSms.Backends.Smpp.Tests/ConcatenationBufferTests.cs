using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Testing;

namespace RapidSms.Backends.Smpp.Tests;

public sealed class ConcatenationBufferTests
{
    private static SmppPdu Pdu() => new(SmppCommandId.DeliverSm);

    [Fact]
    public void TakeExpired_MoreIncompleteMessagesThanTheBound_GivesUpTheOldest()
    {
        var time = new ManualTimeProvider();
        var buffer = new ConcatenationBuffer(time, TimeSpan.FromMinutes(5), maxMessages: 2);
        for (ushort reference = 1; reference <= 3; reference++)
        {
            buffer.Add("+256700000001", "8888", new SmppConcatenation(reference, 2, 1), $"first half {reference}", Pdu());
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var given = buffer.TakeExpired();

        given.Should().ContainSingle().Which.Reference.Should().Be(1);
        buffer.Count.Should().Be(2);
    }

    [Fact]
    public void TakeStalled_NoPartForTheTimeout_TakesTheUnansweredPartsOnceAndKeepsTheMessage()
    {
        var time = new ManualTimeProvider();
        var buffer = new ConcatenationBuffer(time, TimeSpan.FromMinutes(5));
        var first = Pdu();
        buffer.Add("+256700000001", "8888", new SmppConcatenation(7, 2, 1), "one ", first);

        buffer.TakeStalled(TimeSpan.FromSeconds(2)).Should().BeNull();
        time.Advance(TimeSpan.FromSeconds(2));
        buffer.TakeStalled(TimeSpan.FromSeconds(2)).Should().ContainSingle().Which.Should().BeSameAs(first);
        buffer.TakeStalled(TimeSpan.FromSeconds(2)).Should().BeNull("a part is answered once");

        var last = Pdu();
        var complete = buffer.Add("+256700000001", "8888", new SmppConcatenation(7, 2, 2), "two", last);

        complete.Should().NotBeNull();
        complete!.Text.Should().Be("one two");
        complete.Pdus.Should().ContainSingle().Which.Should().BeSameAs(last);
        complete.First.Should().BeSameAs(first);
    }
}
