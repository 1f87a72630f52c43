using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>
/// An in-memory stand-in for an IRC server, for what ngIRCd cannot show (SASL, CTCP, exact line order): every
/// connection the backend opens becomes an <see cref="InMemoryIrcConnection"/> that a test reads lines from and
/// writes lines to, speaking the IRC wire format over pipes.
/// </summary>
public sealed class InMemoryIrcServer : IIrcConnectionFactory
{
    private readonly Channel<InMemoryIrcConnection> _accepted = Channel.CreateUnbounded<InMemoryIrcConnection>();

    public ValueTask<Stream> ConnectAsync(IrcOptions options, CancellationToken cancellationToken)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var connection = new InMemoryIrcConnection(toServer.Reader, toClient.Writer);
        _accepted.Writer.TryWrite(connection);
        return new ValueTask<Stream>(new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream()));
    }

    /// <summary>Waits for the backend's next connection.</summary>
    public ValueTask<InMemoryIrcConnection> AcceptAsync(CancellationToken cancellationToken) => _accepted.Reader.ReadAsync(cancellationToken);

    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
                output.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>The server's end of one in-memory connection.</summary>
public sealed class InMemoryIrcConnection
{
    private readonly StreamReader _reader;
    private readonly PipeWriter _writer;

    internal InMemoryIrcConnection(PipeReader fromClient, PipeWriter toClient)
    {
        _reader = new StreamReader(fromClient.AsStream(), Encoding.UTF8);
        _writer = toClient;
    }

    /// <summary>Every line the backend wrote so far, in order.</summary>
    public List<string> Received { get; } = [];

    /// <summary>Reads the backend's next line (null when it closed the connection).</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken);
        if (line is not null)
        {
            Received.Add(line);
        }

        return line;
    }

    /// <summary>Reads lines until one starts with <paramref name="start"/>; returns it.</summary>
    public async Task<string> ExpectAsync(string start, CancellationToken cancellationToken)
    {
        while (await ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(start, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new IOException($"The backend closed the connection before sending '{start}'. It sent:{Environment.NewLine}{string.Join(Environment.NewLine, Received)}");
    }

    /// <summary>Sends lines to the backend.</summary>
    public async Task SendAsync(params string[] lines)
    {
        foreach (var line in lines)
        {
            await _writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        }
    }

    /// <summary>Reads NICK and USER and welcomes the backend as <paramref name="nick"/>.</summary>
    public async Task RegisterAsync(string nick, CancellationToken cancellationToken)
    {
        await ExpectAsync("USER ", cancellationToken);
        await SendAsync($":irc.test 001 {nick} :Welcome to the test network {nick}!{nick}@test.host");
    }

    /// <summary>Ends the connection from the server's side.</summary>
    public Task CloseAsync() => _writer.CompleteAsync().AsTask();
}
