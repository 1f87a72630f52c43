using System.Diagnostics;
using System.Text;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>
/// Opens real connections with <see cref="IrcConnectionFactory"/> and notes the time of every line the backend
/// writes, measured on the bot's side of the socket.
/// </summary>
public sealed class RecordingConnectionFactory : IIrcConnectionFactory
{
    private readonly Lock _gate = new();
    private readonly List<(TimeSpan At, string Line)> _written = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Every line written so far, with the time since the factory was created.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> Written
    {
        get
        {
            lock (_gate)
            {
                return [.. _written];
            }
        }
    }

    public async ValueTask<Stream> ConnectAsync(IrcOptions options, CancellationToken cancellationToken) =>
        new RecordingStream(await IrcConnectionFactory.Instance.ConnectAsync(options, cancellationToken), this);

    private void Record(ReadOnlySpan<byte> bytes)
    {
        var at = _clock.Elapsed;
        lock (_gate)
        {
            foreach (var line in Encoding.UTF8.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                _written.Add((at, line));
            }
        }
    }

    private sealed class RecordingStream(Stream inner, RecordingConnectionFactory owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            owner.Record(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.Record(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
