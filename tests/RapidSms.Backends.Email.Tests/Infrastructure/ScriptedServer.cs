using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>
/// A small in-process TCP server on loopback that speaks a protocol through a handler per connection, for
/// wire-level cases a real server will not produce (fault switches, missing extensions).
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];
    private readonly Task _accepting;
    private int _connections;

    public ScriptedServer(Func<ServerSession, int, CancellationToken, Task> handler)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(handler);
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<ServerSession, int, CancellationToken, Task> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var number = Interlocked.Increment(ref _connections);
            var session = Task.Run(async () =>
            {
                await using var stream = new NetworkStream(socket, ownsSocket: true);
                try
                {
                    await handler(new ServerSession(stream), number, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // The client went away, or the server is stopping.
                }
            });
            lock (_sessions)
            {
                _sessions.Add(session);
            }
        }
    }
}

/// <summary>One connection to a <see cref="ScriptedServer"/>.</summary>
public sealed class ServerSession(NetworkStream stream)
{
    private readonly List<byte> _buffer = [];

    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Reads a line without its CRLF, or null when the client closed.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer.Take(newline).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, newline + 1);
                return line;
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        while (_buffer.Count < count)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("closed");
            }
        }

        var bytes = _buffer.Take(count).ToArray();
        _buffer.RemoveRange(0, count);
        return bytes;
    }

    public void Abort() => stream.Socket.Close(0);

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[4096];
        var read = await stream.ReadAsync(chunk, cancellationToken);
        _buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        return read > 0;
    }
}
