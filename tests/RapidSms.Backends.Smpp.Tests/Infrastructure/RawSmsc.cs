using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Tests.Infrastructure;

/// <summary>A loopback server the test drives octet by octet, to put exactly the bytes it wants on the wire.</summary>
public sealed class RawSmsc : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;

    public RawSmsc() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _socket?.Dispose();
        _socket = await _listener.AcceptSocketAsync(cancellationToken);
    }

    /// <summary>Accepts a connection and answers its bind with ESME_ROK.</summary>
    public async Task AcceptAndBindAsync(CancellationToken cancellationToken)
    {
        await AcceptAsync(cancellationToken);
        var bind = await ReadPduAsync(cancellationToken);
        var response = bind.CreateResponse();
        response.SystemId = "raw";
        await WriteAsync(SmppPduCodec.Encode(response), cancellationToken);
    }

    public async Task<SmppPdu> ReadPduAsync(CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await ReadExactlyAsync(header, cancellationToken);
        var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        header.CopyTo(frame, 0);
        await ReadExactlyAsync(frame.AsMemory(4), cancellationToken);
        SmppPduCodec.TryDecode(frame, out var pdu, out var error).Should().BeTrue(error.Reason);
        return pdu!;
    }

    /// <summary>Reads PDUs until one with <paramref name="command"/> arrives (answering enquire_link on the way).</summary>
    public async Task<SmppPdu> ReadUntilAsync(SmppCommandId command, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pdu = await ReadPduAsync(cancellationToken);
            if (pdu.CommandId == command)
            {
                return pdu;
            }

            if (pdu.CommandId == SmppCommandId.EnquireLink)
            {
                await WriteAsync(SmppPduCodec.Encode(pdu.CreateResponse()), cancellationToken);
            }
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> octets, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < octets.Length)
        {
            sent += await _socket!.SendAsync(octets[sent..], SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Whether the client closed the connection (reads end).</summary>
    public async Task<bool> IsClosedByPeerAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (true)
        {
            int read;
            try
            {
                read = await _socket!.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                return true;
            }

            if (read == 0)
            {
                return true;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket!.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException("The client closed the connection.");
            }

            read += n;
        }
    }
}
