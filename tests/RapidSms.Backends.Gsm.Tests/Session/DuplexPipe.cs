using System.IO.Pipelines;
using System.Text;

namespace RapidSms.Backends.Gsm.Tests.Session;

/// <summary>Two connected in-memory streams: what one end writes, the other reads (the unit tests' only fake).</summary>
internal sealed class DuplexPipe
{
    private readonly Pipe _toModem = new();
    private readonly Pipe _toHost = new();

    public DuplexPipe()
    {
        Host = new PipeStream(_toHost.Reader, _toModem.Writer);
        Modem = new PipeStream(_toModem.Reader, _toHost.Writer);
    }

    public Stream Host { get; }

    public Stream Modem { get; }

    /// <summary>Reads what the host wrote up to and including a CR, Ctrl-Z or ESC.</summary>
    public async Task<string> ReadFromHostAsync(CancellationToken cancellationToken)
    {
        var builder = new StringBuilder();
        var one = new byte[1];
        while (await Modem.ReadAsync(one, cancellationToken) == 1)
        {
            builder.Append((char)one[0]);
            if (one[0] is (byte)'\r' or 0x1A or 0x1B)
            {
                break;
            }
        }

        return builder.ToString();
    }

    public async Task SendToHostAsync(string text)
    {
        await Modem.WriteAsync(Encoding.Latin1.GetBytes(text));
        await Modem.FlushAsync();
    }

    public void CloseModemSide() => _toHost.Writer.Complete();

    private sealed class PipeStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _read = reader.AsStream();
        private readonly Stream _write = writer.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _read.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _write.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _read.Dispose();
                _write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
