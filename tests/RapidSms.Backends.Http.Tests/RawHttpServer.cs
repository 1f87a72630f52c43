using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RapidSms.Tests.Shared;

/// <summary>
/// A bare TCP server on 127.0.0.1 that answers each HTTP request with whatever bytes <see cref="Answer"/> gives
/// for its request line and then closes the connection: for answers no real HTTP server would send, such as a
/// body cut off before its Content-Length.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RawHttpServer(Func<string, string> answer)
    {
        Answer = answer;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The raw answer (status line, headers, body) to a request line such as <c>GET /send?to=1 HTTP/1.1</c>.</summary>
    public Func<string, string> Answer { get; set; }

    public static RawHttpServer Start(Func<string, string> answer) => new(answer);

    /// <summary>A complete answer that closes the connection.</summary>
    public static string Complete(int status, string body) =>
        $"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>An answer whose body stops after <paramref name="body"/> though its Content-Length promised 1000 bytes.</summary>
    public static string CutOff(int status, string body) =>
        $"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{body}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[16 * 1024];
                var request = new StringBuilder();
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var requestLine = request.ToString()[..request.ToString().IndexOf("\r\n", StringComparison.Ordinal)];
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Answer(requestLine)), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }
}
