using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace RapidSms.Backends.Email.Client;

/// <summary>
/// A line-oriented connection to a mail server over any <see cref="Stream"/>: reads CRLF lines and
/// counted literals through a <see cref="PipeReader"/>, writes commands, and can switch to TLS in
/// place (STARTTLS).
/// </summary>
internal sealed class MailConnection : IAsyncDisposable
{
    private readonly Action<bool, string>? _trace;
    private Stream _stream;
    private PipeReader _reader;

    /// <summary>Wraps an open stream.</summary>
    /// <param name="stream">The connected stream; owned from now on.</param>
    /// <param name="maxLineLength">The longest line accepted (without literals).</param>
    /// <param name="trace">Receives every line read (false) and written (true), secrets already removed; or null.</param>
    public MailConnection(Stream stream, int maxLineLength, Action<bool, string>? trace)
    {
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        MaxLineLength = maxLineLength;
        _trace = trace;
    }

    /// <summary>The longest line accepted.</summary>
    public int MaxLineLength { get; }

    /// <summary>True once the stream is TLS.</summary>
    public bool IsSecure => _stream is SslStream;

    /// <summary>Reads one line without its line break (a bare LF is accepted too).</summary>
    /// <exception cref="IOException">The server closed the connection or sent a line that is too long.</exception>
    public async ValueTask<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        // Bytes already searched for the line break: a long line (SEARCH over a big backlog) arrives in
        // many reads, and each is searched once.
        long scanned = 0;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var position = buffer.Slice(scanned).PositionOf((byte)'\n');
            scanned = buffer.Length;
            if (position is { } end)
            {
                var line = buffer.Slice(0, end).ToArray();
                _reader.AdvanceTo(buffer.GetPosition(1, end));
                var length = line.Length > 0 && line[^1] == (byte)'\r' ? line.Length - 1 : line.Length;
                var trimmed = line.AsSpan(0, length).ToArray();
                _trace?.Invoke(false, Encoding.UTF8.GetString(trimmed));
                return trimmed;
            }

            if (buffer.Length > MaxLineLength)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw new IOException($"The server sent a line longer than {MaxLineLength} bytes.");
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw new IOException("The server closed the connection.");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (an IMAP literal).</summary>
    public async ValueTask<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        var result = await _reader.ReadAtLeastAsync(count, cancellationToken).ConfigureAwait(false);
        if (result.Buffer.Length < count)
        {
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            throw new IOException("The server closed the connection in the middle of a literal.");
        }

        var bytes = result.Buffer.Slice(0, count).ToArray();
        _reader.AdvanceTo(result.Buffer.GetPosition(count));
        _trace?.Invoke(false, $"{{{count} bytes}}");
        return bytes;
    }

    /// <summary>Writes a command line; <paramref name="traceAs"/> replaces it in the trace (to hide secrets).</summary>
    public async ValueTask WriteLineAsync(string line, CancellationToken cancellationToken, string? traceAs = null)
    {
        _trace?.Invoke(true, traceAs ?? line);
        await WriteRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes bytes as they are and flushes.</summary>
    public async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Traces a written line that went out through <see cref="WriteRawAsync"/>.</summary>
    public void TraceWritten(string text) => _trace?.Invoke(true, text);

    /// <summary>Switches the connection to TLS (after STARTTLS was accepted).</summary>
    public async ValueTask UpgradeToTlsAsync(string host, RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        if (_reader.TryRead(out var result))
        {
            var unread = result.Buffer.Length;
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (unread > 0)
        {
            // Anything sent before the handshake could be an injected command (CVE-2011-0411 style).
                throw new IOException("The server sent data after accepting STARTTLS and before the TLS handshake.");
            }
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        var ssl = await AuthenticateAsync(_stream, host, validation, leaveInnerOpen: false, cancellationToken).ConfigureAwait(false);
        _stream = ssl;
        _reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>Runs a TLS client handshake over <paramref name="inner"/>.</summary>
    public static async ValueTask<SslStream> AuthenticateAsync(
        Stream inner, string host, RemoteCertificateValidationCallback? validation, bool leaveInnerOpen, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerOpen);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    RemoteCertificateValidationCallback = validation,
                    EnabledSslProtocols = SslProtocols.None,
                },
                cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
