using System.Threading.Channels;
using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests;

/// <summary>The shared backend contract, run against ngIRCd with two plain test clients as the people on IRC.</summary>
[RequiresPeer(NgircdServer.Install, NgircdServer.Program)]
public sealed class IrcBackendContractTests : BackendContractTests
{
    private const string BotNick = "contractbot";
    private static readonly string[] Nicks = ["alice", "bob"];

    /// <summary>Nicks, not phone numbers.</summary>
    protected override IReadOnlyList<string> Identities => Nicks;

    /// <summary>
    /// ngIRCd lets a client's lines through about three a second, so the test client needs several seconds for a
    /// burst: a smaller burst keeps the test short without changing what it checks.
    /// </summary>
    protected override int BurstSize => 20;

    protected override TimeSpan Timeout => TimeSpan.FromSeconds(60);

    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) =>
        await NgircdPeer.StartAsync(cancellationToken);

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer) =>
        backend.UseIrc(o =>
        {
            o.Server = "127.0.0.1";
            o.Port = ((NgircdPeer)peer).Server.Port;
            o.Nick = BotNick;
            o.FloodInterval = TimeSpan.FromMilliseconds(100);
            o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
        });

    /// <summary>ngIRCd plus one connected test client per identity.</summary>
    private sealed class NgircdPeer : IBackendTestPeer
    {
        private readonly Channel<PeerMessage> _fromBackend = Channel.CreateUnbounded<PeerMessage>();
        private readonly Dictionary<string, IrcTestClient> _clients = new(StringComparer.Ordinal);

        private NgircdPeer(NgircdServer server) => Server = server;

        public NgircdServer Server { get; }

        public static async Task<NgircdPeer> StartAsync(CancellationToken cancellationToken)
        {
            var peer = new NgircdPeer(await NgircdServer.StartAsync());
            try
            {
                foreach (var nick in Nicks)
                {
                    var client = await IrcTestClient.ConnectAsync(peer.Server.Port, nick, cancellationToken);
                    client.LineReceived += peer.OnLine;
                    peer._clients[nick] = client;
                }

                return peer;
            }
            catch
            {
                await peer.DisposeAsync();
                throw;
            }
        }

        public async ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) =>
            await ((IrcBackend)backend).WaitUntilConnectedAsync(cancellationToken);

        public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
            await _clients[identity].PrivmsgAsync(BotNick, text, cancellationToken);

        public ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken) =>
            _fromBackend.Reader.ReadAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients.Values)
            {
                await client.DisposeAsync();
            }

            await Server.DisposeAsync();
        }

        private void OnLine(IrcTestClient client, IrcLine line)
        {
            if (line.Command == "PRIVMSG" && line.Nick == BotNick)
            {
                _fromBackend.Writer.TryWrite(new PeerMessage(client.Nick, line.Last));
            }
        }
    }
}
