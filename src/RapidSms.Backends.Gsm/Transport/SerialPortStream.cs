using System.Runtime.InteropServices;

namespace RapidSms.Backends.Gsm.Transport;

/// <summary>
/// A serial device (<c>/dev/ttyUSB0</c>, <c>/dev/ttyACM0</c>, a pseudo-terminal) opened with POSIX
/// <c>open</c> and configured with termios: raw mode, 8 data bits, no parity, one stop bit, optional
/// RTS/CTS flow control. A background thread waits for input with <c>poll</c>, so reads can be cancelled and closing the stream ends them. Linux only.
/// </summary>
public sealed class SerialPortStream : Stream
{
    private const int PollMilliseconds = 100;
    private readonly Lock _gate = new();
    private readonly System.Threading.Channels.Channel<byte[]> _incoming = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new() { SingleReader = true, SingleWriter = true });
    private ReadOnlyMemory<byte> _leftover;
    private int _fd;
    private int _active;
    private bool _disposed;

    private SerialPortStream(int fd, string path)
    {
        _fd = fd;
        Path = path;
        var reader = new Thread(ReadLoop) { IsBackground = true, Name = "serial " + path };
        reader.Start();
    }

    /// <summary>The device path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_disposed;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Opens and configures a serial device.</summary>
    /// <param name="path">The device, such as <c>/dev/ttyUSB0</c>.</param>
    /// <param name="baudRate">The speed, such as 115200.</param>
    /// <param name="rtsCts">Whether to use RTS/CTS hardware flow control.</param>
    /// <returns>The open device.</returns>
    /// <exception cref="PlatformNotSupportedException">Not running on Linux.</exception>
    /// <exception cref="ArgumentException">The baud rate is not one Linux supports.</exception>
    /// <exception cref="IOException">The device cannot be opened or configured (missing, busy, no permission).</exception>
    public static unsafe SerialPortStream Open(string path, int baudRate = 115200, bool rtsCts = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Serial devices are opened through Linux termios; on other systems use a TCP serial server (ser2net) and a tcp:// port.");
        }

        var speed = Termios.SpeedOf(baudRate) ?? throw new ArgumentException($"{baudRate} is not a baud rate Linux supports (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, …).", nameof(baudRate));
        var fd = Termios.Open(path, Termios.ORdWr | Termios.ONoCtty | Termios.ONonBlock | Termios.OCloExec);
        if (fd < 0)
        {
            throw Error($"Cannot open {path}");
        }

        try
        {
            Termios.TermiosData data;
            if (Termios.GetAttributes(fd, &data) != 0)
            {
                throw Error($"{path} is not a serial device (tcgetattr failed)");
            }

            Termios.MakeRaw(&data);
            data.ControlFlags |= Termios.CLocal | Termios.CRead;
            data.ControlFlags &= ~Termios.CStopB;
            data.ControlFlags = rtsCts ? data.ControlFlags | Termios.CRtsCts : data.ControlFlags & ~Termios.CRtsCts;
            data.ControlChars[Termios.VMin] = 0;
            data.ControlChars[Termios.VTime] = 0;
            if (Termios.SetInputSpeed(&data, speed) != 0 || Termios.SetOutputSpeed(&data, speed) != 0)
            {
                throw Error($"Cannot set {path} to {baudRate} baud");
            }

            if (Termios.SetAttributes(fd, Termios.TcsaNow, &data) != 0)
            {
                throw Error($"Cannot configure {path}");
            }

            Termios.Flush(fd, Termios.TciOFlush);
            return new SerialPortStream(fd, path);
        }
        catch
        {
            Termios.Close(fd);
            throw;
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Read the serial device asynchronously with ReadAsync.");

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_leftover.IsEmpty)
        {
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            _incoming.Reader.TryRead(out var chunk);
            _leftover = chunk;
        }

        var count = Math.Min(buffer.Length, _leftover.Length);
        _leftover[..count].CopyTo(buffer);
        _leftover = _leftover[count..];
        return count;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        WriteCore(buffer.AsMemory(offset, count), CancellationToken.None);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The descriptor is non-blocking: a write returns at once unless the driver's buffer is full.
        WriteCore(buffer, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
            if (_active == 0)
            {
                CloseDescriptor();
            }
        }

        base.Dispose(disposing);
    }

    private static IOException Error(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }

    private int Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active++;
            return _fd;
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (--_active == 0 && _disposed)
            {
                CloseDescriptor();
            }
        }
    }

    private void CloseDescriptor()
    {
        if (_fd >= 0)
        {
            Termios.Close(_fd);
            _fd = -1;
        }
    }

    private unsafe void ReadLoop()
    {
        var buffer = new byte[4096];
        Exception? error = null;
        try
        {
            var fd = Enter();
            try
            {
                fixed (byte* pointer = buffer)
                {
                    while (!_disposed)
                    {
                        if (!WaitFor(fd, Termios.PollIn, out var hangUp))
                        {
                            continue;
                        }

                        var read = Termios.Read(fd, pointer, buffer.Length);
                        if (read > 0)
                        {
                            _incoming.Writer.TryWrite(buffer.AsMemory(0, (int)read).ToArray());
                            continue;
                        }

                        if (read == 0 || hangUp)
                        {
                            break;
                        }

                        var errno = Marshal.GetLastPInvokeError();
                        if (errno is Termios.EAgain or Termios.EIntr)
                        {
                            continue;
                        }

                        if (errno != Termios.EIO)
                        {
                            // EIO means the other side of a pseudo-terminal closed or the USB device went away: an end, not an error.
                            error = new IOException($"Reading {Path} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
                        }

                        break;
                    }
                }
            }
            finally
            {
                Exit();
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed before the thread started.
        }

        _incoming.Writer.TryComplete(error);
    }

    private unsafe void WriteCore(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var fd = Enter();
        try
        {
            using var pin = buffer.Pin();
            var written = 0;
            while (written < buffer.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                var result = Termios.Write(fd, (byte*)pin.Pointer + written, buffer.Length - written);
                if (result > 0)
                {
                    written += (int)result;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is Termios.EAgain or Termios.EIntr)
                {
                    WaitFor(fd, Termios.PollOut, out _);
                    continue;
                }

                throw new IOException($"Writing {Path} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
            }
        }
        finally
        {
            Exit();
        }
    }

    private static unsafe bool WaitFor(int fd, short events, out bool hangUp)
    {
        var poll = new Termios.PollFd { Fd = fd, Events = events };
        var ready = Termios.Poll(&poll, 1, PollMilliseconds);
        hangUp = (poll.Revents & (Termios.PollHup | Termios.PollErr | Termios.PollNval)) != 0;
        return ready > 0;
    }
}
