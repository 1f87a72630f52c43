using System.Net.Sockets;
using System.Text;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>A line a test client received, split the plain way: prefix, command, parameters.</summary>
public sealed record IrcLine(string Raw, string? Prefix, string Command, IReadOnlyList<string> Parameters)
{
    /// <summary>The nick in the prefix.</summary>
    public string? Nick => Prefix?.Split('!', '@')[0];

    /// <summary>The last parameter, or "".</summary>
    public string Last => Parameters.Count > 0 ? Parameters[^1] : "";

    public static IrcLine Parse(string raw)
    {
        var rest = raw;
        if (rest.StartsWith('@'))
        {
            rest = rest[(rest.IndexOf(' ') + 1)..];
        }

        string? prefix = null;
        if (rest.StartsWith(':'))
        {
            var space = rest.IndexOf(' ');
            prefix = rest[1..space];
            rest = rest[(space + 1)..];
        }

        var trailing = rest.IndexOf(" :", StringComparison.Ordinal);
        var head = trailing < 0 ? rest : rest[..trailing];
        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var command = words[0];
        words.RemoveAt(0);
        if (trailing >= 0)
        {
            words.Add(rest[(trailing + 2)..]);
        }

        return new IrcLine(raw, prefix, command, words);
    }
}

/// <summary>
/// A deliberately plain IRC client on raw TCP, independent of the code under test: it registers, answers PING,
/// joins channels, sends raw lines and records every line the server sends it.
/// </summary>
public sealed class IrcTestClient : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<IrcLine> _unread = [];
    private readonly List<IrcLine> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private IrcTestClient(TcpClient tcp, string nick)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Nick = nick;
        _reader = ReadAsync();
    }

    public string Nick { get; }

    /// <summary>Raised on the reading task for every line received (PING excepted).</summary>
    public event Action<IrcTestClient, IrcLine>? LineReceived;

    /// <summary>Every line received so far.</summary>
    public IReadOnlyList<IrcLine> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>Connects and registers as <paramref name="nick"/>; fails when the server refuses the nick.</summary>
    public static async Task<IrcTestClient> ConnectAsync(int port, string nick, CancellationToken cancellationToken, string? password = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
        var client = new IrcTestClient(tcp, nick);
        try
        {
            if (password is not null)
            {
                await client.SendRawAsync($"PASS {password}", cancellationToken);
            }

            await client.SendRawAsync($"NICK {nick}", cancellationToken);
            await client.SendRawAsync($"USER {nick} 0 * :RapidSms test client", cancellationToken);
            var answer = await client.WaitForAsync(l => l.Command is "001" or "433" or "432" or "464", cancellationToken);
            if (answer.Command != "001")
            {
                throw new InvalidOperationException($"The server refused {nick}: {answer.Raw}");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task SendRawAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(line + "\r\n");
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task PrivmsgAsync(string target, string text, CancellationToken cancellationToken) =>
        SendRawAsync($"PRIVMSG {target} :{text}", cancellationToken);

    /// <summary>Joins a channel and waits for the server to confirm it.</summary>
    public async Task JoinAsync(string channel, CancellationToken cancellationToken, string? key = null)
    {
        await SendRawAsync(key is null ? $"JOIN {channel}" : $"JOIN {channel} {key}", cancellationToken);
        await WaitForAsync(l => l.Command == "JOIN" && l.Nick == Nick && string.Equals(l.Parameters[0], channel, StringComparison.OrdinalIgnoreCase), cancellationToken);
    }

    /// <summary>Waits for a nick to be in a channel (NAMES), so lines said there reach it.</summary>
    public async Task WaitForMemberAsync(string channel, string nick, CancellationToken cancellationToken)
    {
        while (true)
        {
            await SendRawAsync($"NAMES {channel}", cancellationToken);
            var names = new List<string>();
            while (true)
            {
                var line = await WaitForAsync(l => l.Command is "353" or "366", cancellationToken);
                if (line.Command == "366")
                {
                    break;
                }

                names.AddRange(line.Last.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => n.TrimStart('@', '+', '%', '&', '~')));
            }

            if (names.Contains(nick, StringComparer.OrdinalIgnoreCase))
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Takes the first unread line that matches, waiting for it.</summary>
    public async Task<IrcLine> WaitForAsync(Func<IrcLine, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var index = _unread.FindIndex(l => match(l));
                if (index >= 0)
                {
                    var line = _unread[index];
                    _unread.RemoveAt(index);
                    return line;
                }

                if (_reader.IsCompleted)
                {
                    throw new IOException($"{Nick}: the server closed the link. Last lines:{Environment.NewLine}{string.Join(Environment.NewLine, _all.TakeLast(10).Select(l => l.Raw))}");
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes the next PRIVMSG from <paramref name="from"/>.</summary>
    public Task<IrcLine> NextPrivmsgFromAsync(string from, CancellationToken cancellationToken) =>
        WaitForAsync(l => l.Command == "PRIVMSG" && string.Equals(l.Nick, from, StringComparison.OrdinalIgnoreCase), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_tcp.Connected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendRawAsync("QUIT :bye", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        await _stop.CancelAsync();
        _tcp.Dispose();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await Task.Yield();
        try
        {
            using var reader = new StreamReader(_stream, Utf8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (await reader.ReadLineAsync(_stop.Token) is { } raw)
            {
                if (raw.Length == 0)
                {
                    continue;
                }

                var line = IrcLine.Parse(raw);
                if (line.Command == "PING")
                {
                    await SendRawAsync($"PONG :{line.Last}", _stop.Token);
                    continue;
                }

                LineReceived?.Invoke(this, line);
                lock (_gate)
                {
                    _unread.Add(line);
                    _all.Add(line);
                    _arrived.TrySetResult();
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _arrived.TrySetResult();
            }
        }
    }
}
