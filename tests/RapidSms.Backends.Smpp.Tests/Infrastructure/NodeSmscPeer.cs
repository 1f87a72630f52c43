using System.Text.Json;
using RapidSms.Testing;

namespace RapidSms.Backends.Smpp.Tests.Infrastructure;

/// <summary>
/// The <see cref="IBackendTestPeer"/> of the SMPP backend against the node `smpp` server: phones send deliver_sm
/// through its control port, and what the backend submitted is read back from the acknowledged submit_sm events,
/// as the node package decoded them.
/// </summary>
public sealed class NodeSmscPeer(NodeSmsc smsc) : IBackendTestPeer
{
    private int _next;

    public NodeSmsc Smsc { get; } = smsc;

    public async ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken)
    {
        await Smsc.WaitForEventAsync("bind", 1, cancellationToken);
        var smpp = (SmppBackend)backend;
        while (!smpp.IsBound)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken)
    {
        var status = await Smsc.DeliverAsync(identity, text, cancellationToken);
        if (status != 0)
        {
            throw new InvalidOperationException($"The backend answered deliver_sm with status 0x{status:X8}.{Smsc.Output}");
        }
    }

    public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _next) - 1;
        var submit = (await Smsc.WaitForSubmitsAsync(index + 1, cancellationToken))[index];
        var address = submit.GetProperty("destination_addr").GetString()!;
        var identity = submit.GetProperty("dest_addr_ton").GetInt32() == 1 ? "+" + address : address;
        return new PeerMessage(identity, submit.GetProperty("short_message").GetProperty("message").GetString()!);
    }

    public ValueTask DisposeAsync() => Smsc.DisposeAsync();
}
