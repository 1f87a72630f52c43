using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Apps;

/// <summary>One test per rule of RapidSMS's app phases.</summary>
public sealed class PhaseRuleTests
{
    private static RecordingApp[] Apps(List<string> journal, int count = 2) =>
        Enumerable.Range(1, count).Select(i => new RecordingApp($"app{i}", journal)).ToArray();

    [Fact]
    public async Task Incoming_PhasesRunInOrder_EachAcrossAppsInRegistrationOrder()
    {
        await using var fixture = RouterFixture.WithApps(j => Apps(j));

        await fixture.ReceiveAsync("hello");

        fixture.Journal.Should().Equal(
            "app1.filter", "app2.filter",
            "app1.parse", "app2.parse",
            "app1.handle", "app2.handle",
            "app1.default", "app2.default",
            "app1.cleanup", "app2.cleanup");
    }

    [Fact]
    public async Task Filter_ReturningTrue_DropsMessage_NoLaterAppOrPhaseRuns()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j, 3));
        apps[1].OnFilter = _ => true;

        var message = await fixture.ReceiveAsync("spam");

        fixture.Journal.Should().Equal("app1.filter", "app2.filter");
        message.Handled.Should().BeFalse();
        fixture.Backend("a").Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Filter_ReturningTrue_ResponsesQueuedBeforeAreStillSent()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnFilter = m =>
        {
            m.Respond("You are not registered.");
            return true;
        };

        await fixture.ReceiveAsync("hello");

        fixture.Backend("a").Calls.Should().ContainSingle().Which.Message.Text.Should().Be("You are not registered.");
        fixture.Journal.Should().NotContain(e => e.EndsWith(".parse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parse_RunsForEveryApp_AndFieldsAreVisibleToLaterPhases()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnParse = m => m.Fields["lang"] = "sw";
        object? seen = null;
        apps[1].OnHandle = m =>
        {
            seen = m.Fields["lang"];
            return false;
        };

        await fixture.ReceiveAsync("habari");

        seen.Should().Be("sw");
    }

    [Fact]
    public async Task Handle_ReturningTrue_StopsHandlePhase_AndMarksHandled()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j, 3));
        apps[1].OnHandle = _ => true;

        var message = await fixture.ReceiveAsync("register");

        message.Handled.Should().BeTrue();
        fixture.Journal.Should().Contain(["app1.handle", "app2.handle"]).And.NotContain("app3.handle");
    }

    [Fact]
    public async Task Default_IsSkipped_WhenAnAppHandledTheMessage()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnHandle = _ => true;

        await fixture.ReceiveAsync("register");

        fixture.Journal.Should().NotContain(e => e.EndsWith(".default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Default_IsSkipped_WhenAnAppSetHandledItself()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnParse = m => m.Handled = true;

        await fixture.ReceiveAsync("anything");

        fixture.Journal.Should().NotContain(e => e.EndsWith(".default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Default_ReturningTrue_StopsDefaultPhase()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j, 3));
        apps[0].OnDefault = m =>
        {
            m.Respond("Sorry, I didn't understand.");
            return true;
        };

        var message = await fixture.ReceiveAsync("gibberish");

        fixture.Journal.Should().Contain("app1.default").And.NotContain(["app2.default", "app3.default"]);
        message.Responses.Should().ContainSingle().Which.Text.Should().Be("Sorry, I didn't understand.");
    }

    [Fact]
    public async Task Cleanup_RunsForHandledAndUnhandledMessages()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnHandle = m => m.Text == "handled";

        await fixture.ReceiveAsync("handled");
        await fixture.ReceiveAsync("not handled");

        fixture.Journal.Count(e => e == "app1.cleanup").Should().Be(2);
        fixture.Journal.Count(e => e == "app2.cleanup").Should().Be(2);
    }

    [Fact]
    public async Task Outgoing_RunsInReverseAppOrder()
    {
        await using var fixture = RouterFixture.WithApps(j => Apps(j, 3));

        await fixture.Router.SendAsync("hi", new Connection("a", "+256700000001"));

        fixture.Journal.Should().Equal("app3.outgoing", "app2.outgoing", "app1.outgoing");
    }

    [Fact]
    public async Task Outgoing_ReturningFalse_CancelsSend_AndStopsThePhase()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j, 3));
        apps[1].OnOutgoing = _ => false;

        var result = await fixture.Router.SendAsync("hi", new Connection("a", "+256700000001"));

        result.IsCancelled.Should().BeTrue();
        result.Succeeded.Should().BeFalse();
        fixture.Backend("a").Calls.Should().BeEmpty();
        fixture.Journal.Should().Equal("app3.outgoing", "app2.outgoing");
    }

    [Fact]
    public async Task Responses_AreSentAfterIncomingPhases_ThroughTheBackendTheMessageCameIn()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        var sentDuringPhases = -1;
        apps[0].OnHandle = m =>
        {
            m.Respond("first");
            m.Respond("second");
            return true;
        };
        apps[1].OnCleanup = _ => sentDuringPhases = fixture.Backend("b").Calls.Count;

        await fixture.ReceiveAsync("hello", identity: "+256700000009", backend: "b");

        sentDuringPhases.Should().Be(0);
        var calls = fixture.Backend("b").Calls.ToArray();
        calls.Select(c => c.Message.Text).Should().Equal("first", "second");
        calls.Should().AllSatisfy(c => c.Identities.Should().Equal("+256700000009"));
        fixture.Backend("a").Calls.Should().BeEmpty();
        fixture.Journal.IndexOf("app1.outgoing").Should().BeGreaterThan(fixture.Journal.IndexOf("app2.cleanup"));
    }

    [Fact]
    public async Task Respond_ToOtherConnections_ReRoutesThroughTheirBackend()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnHandle = m =>
        {
            m.Respond("alert", [new Connection("b", "+256700000099")]);
            return true;
        };

        await fixture.ReceiveAsync("report");

        fixture.Backend("a").Calls.Should().BeEmpty();
        fixture.Backend("b").Calls.Should().ContainSingle().Which.Identities.Should().Equal("+256700000099");
    }

    [Fact]
    public async Task Error_QueuesAnErrorMessageToTheSender()
    {
        RecordingApp[] apps = [];
        await using var fixture = RouterFixture.WithApps(j => apps = Apps(j));
        apps[0].OnHandle = m =>
        {
            m.Error("Bad format.");
            return true;
        };

        await fixture.ReceiveAsync("register");

        var sent = fixture.Backend("a").Calls.Should().ContainSingle().Which.Message;
        sent.Should().BeOfType<ErrorMessage>();
        sent.Text.Should().Be("Bad format.");
        sent.InResponseTo.Should().NotBeNull();
    }
}
