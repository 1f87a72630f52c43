using System.Threading.Channels;
using RapidSms.Backends.Email.Protocol;
using RapidSms.Backends.Email.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>The shared backend contract, against a real Dovecot and a real SMTP server on loopback.</summary>
[RequiresPeer(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
public sealed class EmailBackendContractTests : BackendContractTests
{
    protected override IReadOnlyList<string> Identities { get; } = ["alice@example.test", "bob@example.test"];

    protected override async ValueTask<IBackendTestPeer> StartPeerAsync(CancellationToken cancellationToken) =>
        new MailPeer(await MailServers.StartAsync());

    protected override void ConfigureBackend(IBackendBuilder backend, IBackendTestPeer peer)
    {
        var servers = ((MailPeer)peer).Servers;
        backend.UseEmail(o => EmailTestOptions.Apply(o, servers));
    }

    private sealed class MailPeer(MailServers servers) : IBackendTestPeer
    {
        public MailServers Servers { get; } = servers;

        public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
            await Servers.DeliverAsync("rapidsms", TestMail.Plain(identity, Servers.Address("rapidsms"), "contract", text));

        public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
        {
            var (recipient, content) = await Servers.NextDeliveryAsync(cancellationToken);
            return new PeerMessage(recipient, MailReader.Read(content).Text);
        }

        public ValueTask DisposeAsync() => Servers.DisposeAsync();
    }
}
