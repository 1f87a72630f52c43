using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace RapidSms.Testing;

/// <summary>
/// The behaviour every backend must show, as an xunit test class: a backend package subclasses it, says
/// how to start the outside world it talks to and how to configure the backend, and gets the suite.
/// </summary>
/// <remarks>
/// <para>Each test gets a fresh peer (<see cref="StartPeerAsync"/>) and a fresh host with RapidSms, a
/// recording app and the backend under test, named <see cref="BackendName"/>. The app records every
/// incoming message, and answers a text starting with <see cref="EchoPrefix"/> with the rest of it.</para>
/// <para>Every test is bounded by <see cref="Timeout"/> in real time.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class BucketBackendContractTests : BackendContractTests
/// {
///     protected override ValueTask&lt;IBackendTestPeer&gt; StartPeerAsync(CancellationToken cancellationToken) => new(new BucketPeer());
///
///     protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) => backend.UseBucket();
/// }
/// </code>
/// </example>
public abstract class BackendContractTests : IAsyncLifetime
{
    /// <summary>The name the backend under test is registered under: <c>contract</c>.</summary>
    public const string BackendName = "contract";

    /// <summary>The start of a text the recording app answers with the rest of it: <c>"echo "</c>.</summary>
    public const string EchoPrefix = "echo ";

    private static readonly string[] DefaultIdentities = ["+256700000001", "+256700000002"];

    private readonly RecordingApp _app = new();
    private IBackendTestPeer? _peer;
    private IHost? _host;
    private IRouter? _router;
    private BackendBase? _backend;
    private bool _stopped;

    /// <summary>The log entries of the host, at <see cref="LogLevel.Debug"/> and above.</summary>
    protected ListLoggerProvider Logs { get; } = new();

    /// <summary>The peer of the current test.</summary>
    protected IBackendTestPeer Peer => _peer ?? throw NotStarted();

    /// <summary>The running host of the current test.</summary>
    protected IHost AppHost => _host ?? throw NotStarted();

    /// <summary>The router of the current test.</summary>
    protected IRouter Router => _router ?? throw NotStarted();

    /// <summary>The backend under test.</summary>
    protected BackendBase Backend => _backend ?? throw NotStarted();

    /// <summary>The incoming messages the recording app saw, in the order it saw them.</summary>
    protected IReadOnlyList<IncomingMessage> Received => _app.Received;

    /// <summary>
    /// At least two identities that the peer can send as and the backend can send to, in the form the
    /// backend reports them. Defaults to two phone numbers; email and IRC backends override it.
    /// </summary>
    protected virtual IReadOnlyList<string> Identities => DefaultIdentities;

    /// <summary>
    /// A text with characters beyond ASCII that must cross the backend unchanged both ways. Defaults to a
    /// short greeting with French accents, Swahili, Arabic and an emoji (fits one UCS-2 SMS).
    /// </summary>
    protected virtual string UnicodeText => "Habari! Ça va très bien, merci. مرحبا 👋";

    /// <summary>
    /// Whether one outgoing message to several identities reaches each of them. Backends that cannot must
    /// still report a result per identity, with a reason for each failure. Defaults to <see langword="true"/>.
    /// </summary>
    protected virtual bool SupportsMultipleRecipients => true;

    /// <summary>Whether messages from one identity reach the apps in the order they were sent. Defaults to <see langword="true"/>.</summary>
    protected virtual bool PreservesOrder => true;

    /// <summary>How many messages the burst test sends from one identity. Defaults to 50.</summary>
    protected virtual int BurstSize => 50;

    /// <summary>How long, in real time, one test may take. Defaults to 30 seconds.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <summary>Starts the outside world the backend talks to (a server on a fresh loopback port, say), before the host starts.</summary>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    /// <returns>The started peer.</returns>
    protected abstract ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken);

    /// <summary>Chooses and configures the engine under test, pointing it at the peer: <c>backend.UseBucket()</c>.</summary>
    /// <param name="backend">The backend builder, named <see cref="BackendName"/>.</param>
    /// <param name="peer">The peer <see cref="StartPeerAsync"/> returned.</param>
    protected abstract void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer);

    /// <summary>Registers services the backend needs beyond RapidSms's own. The default adds none.</summary>
    /// <param name="services">The host's services.</param>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Starts the peer, then the host with the backend, then attaches the peer. On failure, stops what started.</summary>
    public async Task InitializeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            _peer = await StartPeerAsync(timeout.Token).ConfigureAwait(false);

            var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
            {
                ApplicationName = GetType().Name,
                EnvironmentName = Environments.Development,
            });
            builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs);
            var peer = _peer;
            builder.Services.AddRapidSms(rapid => rapid
                .AddApp(_app)
                .AddBackend(BackendName, b => ConfigureBackend(b, peer)));
            ConfigureServices(builder.Services);

            _host = builder.Build();
            await _host.StartAsync(timeout.Token).ConfigureAwait(false);
            _router = _host.Services.GetRequiredService<IRouter>();
            _backend = _router.GetBackend(BackendName);
            await _peer.AttachAsync(_backend, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops and disposes the host, then the peer. Calling it again does nothing.</summary>
    public async Task DisposeAsync()
    {
        var host = _host;
        var peer = _peer;
        _host = null;
        _peer = null;
        try
        {
            if (host is not null)
            {
                try
                {
                    if (!_stopped)
                    {
                        using var timeout = new CancellationTokenSource(Timeout);
                        await host.StopAsync(timeout.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    if (host is IAsyncDisposable asyncDisposable)
                    {
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        host.Dispose();
                    }
                }
            }
        }
        finally
        {
            if (peer is not null)
            {
                await peer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A message from the outside world reaches the apps on this backend, from its sender, with its text.</summary>
    [ContractFact]
    public async Task Receive_MessageFromPeer_ReachesAppWithBackendIdentityAndText()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        const string text = "hello from the contract suite";

        await Peer.SendToBackendAsync(Identities[0], text, timeout.Token).ConfigureAwait(false);
        var received = await _app.WaitForReceivedAsync(1, timeout.Token).ConfigureAwait(false);

        var message = Assert.Single(received);
        Assert.Equal(BackendName, message.Connection.Backend);
        Assert.Equal(Identities[0], message.Connection.Identity);
        Assert.Equal(text, message.Text);
    }

    /// <summary>Text beyond ASCII arrives unchanged from the peer to the apps and from the router to the peer.</summary>
    [ContractFact]
    public async Task UnicodeText_BothDirections_ArrivesUnchanged()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        await Peer.SendToBackendAsync(Identities[0], UnicodeText, timeout.Token).ConfigureAwait(false);
        var received = await _app.WaitForReceivedAsync(1, timeout.Token).ConfigureAwait(false);
        Assert.Equal(UnicodeText, Assert.Single(received).Text);

        var result = await Router.SendAsync(UnicodeText, new Connection(BackendName, Identities[0]), timeout.Token).ConfigureAwait(false);
        Assert.True(result.Succeeded, Describe(result));
        var sent = await Peer.ReceiveFromBackendAsync(timeout.Token).ConfigureAwait(false);
        Assert.Equal(Identities[0], sent.Identity);
        Assert.Equal(UnicodeText, sent.Text);
    }

    /// <summary>A reply goes back through the backend the message came in on, to its sender.</summary>
    [ContractFact]
    public async Task Reply_ToIncomingMessage_GoesBackThroughSameBackendToSender()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        const string answer = "reply through the same backend";

        await Peer.SendToBackendAsync(Identities[1], EchoPrefix + answer, timeout.Token).ConfigureAwait(false);
        var reply = await Peer.ReceiveFromBackendAsync(timeout.Token).ConfigureAwait(false);

        Assert.Equal(Identities[1], reply.Identity);
        Assert.Equal(answer, reply.Text);
        var incoming = Assert.Single(_app.Received);
        var response = Assert.Single(incoming.Responses);
        Assert.Equal(incoming.Connection, Assert.Single(response.Connections));
    }

    /// <summary>One outgoing message to several identities reaches each, with one result per identity.</summary>
    [ContractFact]
    public async Task Send_ToSeveralIdentities_ReachesEachWithOneResultPerIdentity()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        const string text = "one message, several recipients";
        var connections = Identities.Select(i => new Connection(BackendName, i)).ToArray();

        var result = await Router.SendOutgoingAsync(new OutgoingMessage(connections, text), timeout.Token).ConfigureAwait(false);

        Assert.Equal(Identities, result.Recipients.Select(r => r.Identity));
        Assert.All(result.Recipients, r => Assert.Equal(BackendName, r.Backend));
        if (SupportsMultipleRecipients)
        {
            Assert.True(result.Succeeded, Describe(result));
        }
        else
        {
            Assert.All(result.Failures, r => Assert.False(string.IsNullOrWhiteSpace(r.Error), $"No reason given for {r.Identity}."));
        }

        var expected = result.Recipients.Where(r => r.Succeeded).Select(r => r.Identity).Order(StringComparer.Ordinal).ToList();
        var arrived = new List<PeerMessage>();
        for (var i = 0; i < expected.Count; i++)
        {
            arrived.Add(await Peer.ReceiveFromBackendAsync(timeout.Token).ConfigureAwait(false));
        }

        Assert.Equal(expected, arrived.Select(m => m.Identity).Order(StringComparer.Ordinal));
        Assert.All(arrived, m => Assert.Equal(text, m.Text));
    }

    /// <summary>A burst of messages from one identity arrives complete, and in order.</summary>
    [ContractFact]
    public async Task Receive_BurstFromOneIdentity_ArrivesCompleteAndInOrder()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var texts = Enumerable.Range(1, BurstSize).Select(i => $"burst message {i:D3}").ToList();

        foreach (var text in texts)
        {
            await Peer.SendToBackendAsync(Identities[0], text, timeout.Token).ConfigureAwait(false);
        }

        var received = await _app.WaitForReceivedAsync(texts.Count, timeout.Token).ConfigureAwait(false);

        Assert.All(received, m => Assert.Equal(Identities[0], m.Connection.Identity));
        var arrived = received.Select(m => m.Text).ToList();
        if (PreservesOrder)
        {
            Assert.Equal(texts, arrived);
        }
        else
        {
            Assert.Equal(texts, arrived.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Stopping the host after traffic returns within the time limit, and logs no error.</summary>
    [ContractFact]
    public async Task Stop_AfterTraffic_StopsCleanly()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await Peer.SendToBackendAsync(Identities[0], EchoPrefix + "before stopping", timeout.Token).ConfigureAwait(false);
        await Peer.ReceiveFromBackendAsync(timeout.Token).ConfigureAwait(false);

        _stopped = true;
        await AppHost.StopAsync(timeout.Token).ConfigureAwait(false);

        Assert.False(timeout.IsCancellationRequested, $"Stopping the host took longer than {Timeout}.");
        Assert.DoesNotContain(Logs.Records, r => r.Level >= LogLevel.Error);
    }

    private static string Describe(SendResult result) =>
        $"Send failed: {string.Join("; ", result.Failures.Select(f => $"{f.Identity}: {f.Error}"))}";

    private static InvalidOperationException NotStarted() =>
        new("The contract test has not started: xunit calls InitializeAsync before each test.");

    private sealed class RecordingApp : AppBase
    {
        private readonly Lock _gate = new();
        private readonly List<IncomingMessage> _received = [];
        private readonly CountWaiters _waiters = new();

        public IReadOnlyList<IncomingMessage> Received
        {
            get
            {
                lock (_gate)
                {
                    return [.. _received];
                }
            }
        }

        public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            if (message.Text.StartsWith(EchoPrefix, StringComparison.Ordinal))
            {
                message.Respond(message.Text[EchoPrefix.Length..]);
            }

            List<TaskCompletionSource>? ready = null;
            lock (_gate)
            {
                _received.Add(message);
                ready = _waiters.TakeReady(_received.Count);
            }

            ready?.ForEach(s => s.TrySetResult());
            return Handled;
        }

        public async Task<IReadOnlyList<IncomingMessage>> WaitForReceivedAsync(int count, CancellationToken cancellationToken)
        {
            TaskCompletionSource signal;
            lock (_gate)
            {
                if (_received.Count >= count)
                {
                    return [.. _received];
                }

                signal = _waiters.Add(count);
            }

            try
            {
                await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    _waiters.Remove(signal);
                }
            }

            return Received;
        }
    }
}
