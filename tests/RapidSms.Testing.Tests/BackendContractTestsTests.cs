using RapidSms.Testing;
using Xunit.Sdk;

namespace RapidSms.Testing.Tests;

/// <summary>The contract suite must fail for a backend that breaks the contract, or it proves nothing.</summary>
public sealed class BackendContractTestsTests
{
    private const string SecondIdentity = "+256700000002";

    [Fact]
    public async Task UnicodeTest_BackendLosesNonAsciiCharacters_Fails()
    {
        await using var suite = await Suite.StartAsync(() => new AsciiOnlyPeer());

        var run = () => suite.UnicodeText_BothDirections_ArrivesUnchanged();

        await run.Should().ThrowAsync<XunitException>();
    }

    [Fact]
    public async Task UnicodeTest_FaithfulBackend_Passes()
    {
        await using var suite = await Suite.StartAsync(() => new BucketPeer());

        var run = () => suite.UnicodeText_BothDirections_ArrivesUnchanged();

        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task SeveralIdentitiesTest_BackendFailsOneRecipient_Fails()
    {
        await using var suite = await Suite.StartAsync(() => new BucketPeer(), b => b.UseBucket(o => o.FailIdentities.Add(SecondIdentity)));

        var run = () => suite.Send_ToSeveralIdentities_ReachesEachWithOneResultPerIdentity();

        await run.Should().ThrowAsync<XunitException>();
    }

    [Fact]
    public async Task SeveralIdentitiesTest_BackendWithoutMultipleRecipientsReportingFailures_Passes()
    {
        await using var suite = await Suite.StartAsync(() => new BucketPeer(), b => b.UseBucket(o => o.FailIdentities.Add(SecondIdentity)), multipleRecipients: false);

        var run = () => suite.Send_ToSeveralIdentities_ReachesEachWithOneResultPerIdentity();

        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task BurstTest_BackendSwapsMessages_Fails()
    {
        await using var suite = await Suite.StartAsync(() => new SwappingPeer());

        var run = () => suite.Receive_BurstFromOneIdentity_ArrivesCompleteAndInOrder();

        (await run.Should().ThrowAsync<XunitException>()).Which.Message.Should().Contain("burst message");
    }

    [Fact]
    public async Task BurstTest_BackendWithoutOrderSwapsMessages_Passes()
    {
        await using var suite = await Suite.StartAsync(() => new SwappingPeer(), preservesOrder: false);

        var run = () => suite.Receive_BurstFromOneIdentity_ArrivesCompleteAndInOrder();

        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task ReplyTest_BackendAnswersWrongIdentity_Fails()
    {
        await using var suite = await Suite.StartAsync(() => new WrongRecipientPeer());

        var run = () => suite.Reply_ToIncomingMessage_GoesBackThroughSameBackendToSender();

        await run.Should().ThrowAsync<XunitException>();
    }

    /// <summary>Not public, so xunit does not run it as a test class of its own.</summary>
    private sealed class Suite : BackendContractTests, IAsyncDisposable
    {
        private readonly Func<IBackendTestPeer> _peer;
        private readonly Action<IBackendBuilder> _configure;
        private readonly bool _multipleRecipients;
        private readonly bool _preservesOrder;

        private Suite(Func<IBackendTestPeer> peer, Action<IBackendBuilder>? configure, bool multipleRecipients, bool preservesOrder)
        {
            _peer = peer;
            _configure = configure ?? (b => b.UseBucket());
            _multipleRecipients = multipleRecipients;
            _preservesOrder = preservesOrder;
        }

        protected override bool SupportsMultipleRecipients => _multipleRecipients;

        protected override bool PreservesOrder => _preservesOrder;

        protected override TimeSpan Timeout => TimeSpan.FromSeconds(10);

        public static async Task<Suite> StartAsync(
            Func<IBackendTestPeer> peer,
            Action<IBackendBuilder>? configure = null,
            bool multipleRecipients = true,
            bool preservesOrder = true)
        {
            var suite = new Suite(peer, configure, multipleRecipients, preservesOrder);
            await suite.InitializeAsync();
            return suite;
        }

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

        protected override ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) => new(_peer());

        protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) => _configure(backend);
    }

    /// <summary>A link that turns every character beyond ASCII into '?', as a misconfigured 7-bit gateway does.</summary>
    private sealed class AsciiOnlyPeer : IBackendTestPeer
    {
        private readonly BucketPeer _inner = new();

        public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) => _inner.AttachAsync(backend, cancellationToken);

        public ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
            _inner.SendToBackendAsync(identity, Fold(text), cancellationToken);

        public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
        {
            var message = await _inner.ReceiveFromBackendAsync(cancellationToken);
            return message with { Text = Fold(message.Text) };
        }

        public ValueTask DisposeAsync() => _inner.DisposeAsync();

        private static string Fold(string text) => new(text.Select(c => c > 127 ? '?' : c).ToArray());
    }

    /// <summary>A link that delivers each pair of messages the wrong way round.</summary>
    private sealed class SwappingPeer : IBackendTestPeer
    {
        private readonly BucketPeer _inner = new();
        private (string Identity, string Text)? _held;

        public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) => _inner.AttachAsync(backend, cancellationToken);

        public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken)
        {
            if (_held is null)
            {
                _held = (identity, text);
                return;
            }

            await _inner.SendToBackendAsync(identity, text, cancellationToken);
            await _inner.SendToBackendAsync(_held.Value.Identity, _held.Value.Text, cancellationToken);
            _held = null;
        }

        public ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken) => _inner.ReceiveFromBackendAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }

    /// <summary>A link that reports every outgoing message as addressed to someone else.</summary>
    private sealed class WrongRecipientPeer : IBackendTestPeer
    {
        private readonly BucketPeer _inner = new();

        public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) => _inner.AttachAsync(backend, cancellationToken);

        public ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
            _inner.SendToBackendAsync(identity, text, cancellationToken);

        public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken) =>
            (await _inner.ReceiveFromBackendAsync(cancellationToken)) with { Identity = "+256799999999" };

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
