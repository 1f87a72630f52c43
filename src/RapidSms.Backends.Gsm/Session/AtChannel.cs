using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Gsm.Session;

/// <summary>
/// The AT command engine over one stream: a single reader sorts every line into the response of the
/// pending command (by its expected prefix), a final result, the <c>&gt; </c> prompt, or an unsolicited
/// line, and one command runs at a time.
/// </summary>
internal sealed class AtChannel : IAsyncDisposable
{
    private const byte CtrlZ = 0x1A;
    private const byte Esc = 0x1B;
    private const int MaxLineLength = 8192;
    private static readonly TimeSpan LateResultGrace = TimeSpan.FromMilliseconds(500);

    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly int _maxConsecutiveTimeouts;
    private readonly SemaphoreSlim _commandGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Channel<AtUnsolicited> _unsolicited = Channel.CreateUnbounded<AtUnsolicited>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Exception?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Task _readLoop;
    private Pending? _pending;
    private string? _unsolicitedHeader;
    private int _consecutiveTimeouts;
    private int _disposed;
    private Exception? _closeReason;

    public AtChannel(Stream stream, string name, ILogger logger, TimeProvider time, int maxConsecutiveTimeouts = 2)
    {
        _stream = stream;
        _name = name;
        _logger = logger;
        _time = time;
        _maxConsecutiveTimeouts = maxConsecutiveTimeouts;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the channel is closed: by the modem (end of stream, an I/O error), by too many timeouts, or by disposal; the value is the reason.</summary>
    public Task<Exception?> Completion => _completion.Task;

    /// <summary>Lines the modem sent on its own, in order.</summary>
    public ChannelReader<AtUnsolicited> Unsolicited => _unsolicited.Reader;

    /// <summary>Runs one command and returns its response, whatever its final result; throws <see cref="GsmModemException"/> on a timeout.</summary>
    public async Task<AtResponse> ExecuteAsync(AtCommand command, CancellationToken cancellationToken)
    {
        await _commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = new Pending(command);
        try
        {
            ThrowIfClosed();
            lock (_gate)
            {
                _pending = pending;
            }

            Log.AtCommandSent(_logger, _name, command.LogText);
            await WriteAsync(Encoding.Latin1.GetBytes(command.Text + "\r"), cancellationToken).ConfigureAwait(false);
            if (command.Payload is not null)
            {
                try
                {
                    await Task.WhenAny(pending.Prompt.Task, pending.Done.Task).WaitAsync(command.PromptTimeout, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // No prompt: make sure the modem is not left waiting for a body.
                    await EscapeAsync().ConfigureAwait(false);
                    await AbsorbLateResultAsync(pending).ConfigureAwait(false);
                    throw Timeout(command);
                }

                if (!pending.Done.Task.IsCompleted)
                {
                    var body = Encoding.Latin1.GetBytes(command.Payload);
                    var bytes = new byte[body.Length + 1];
                    body.CopyTo(bytes, 0);
                    bytes[^1] = CtrlZ;
                    await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
            }

            AtResponse response;
            try
            {
                response = await pending.Done.Task.WaitAsync(command.Timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (command.Payload is not null)
                {
                    // A stuck prompt: ESC abandons the message so the modem takes commands again.
                    await EscapeAsync().ConfigureAwait(false);
                }

                await AbsorbLateResultAsync(pending).ConfigureAwait(false);
                throw Timeout(command);
            }

            Interlocked.Exchange(ref _consecutiveTimeouts, 0);
            Log.AtCommandCompleted(_logger, _name, command.LogText, response.FinalLine);
            return response;
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pending, pending))
                {
                    _pending = null;
                }
            }

            _commandGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(new ObjectDisposedException(nameof(AtChannel)));
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The loop ends by cancellation or with the stream; either is expected here.
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _commandGate.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>
    /// Gives a late final result (or the answer to ESC) a moment to arrive while the timed-out command is
    /// still the pending one, so it is not taken for the result of the next command.
    /// </summary>
    private async Task AbsorbLateResultAsync(Pending pending)
    {
        try
        {
            await pending.Done.Task.WaitAsync(LateResultGrace, _time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            // Nothing came, or the link closed: either way the next command starts clean.
        }
    }

    private GsmModemException Timeout(AtCommand command)
    {
        if (Interlocked.Increment(ref _consecutiveTimeouts) >= _maxConsecutiveTimeouts)
        {
            Close(new TimeoutException($"The modem did not answer {_maxConsecutiveTimeouts} commands in a row."));
        }

        return new GsmModemException(_name, command.LogText, AtResultKind.Timeout, code: null);
    }

    /// <summary>Sends ESC, which ends a pending prompt or a half-typed command.</summary>
    public async Task EscapeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await WriteAsync([Esc], timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The link is going away anyway.
        }
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Close(ex);
            throw new IOException($"Writing to the modem failed: {ex.Message}", ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (_completion.Task.IsCompleted)
        {
            throw new IOException("The modem link is closed.", _closeReason);
        }
    }

    private void Close(Exception? reason)
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            _closeReason = reason;
        }

        _completion.TrySetResult(reason);

        _unsolicited.Writer.TryComplete();
        Pending? pending;
        lock (_gate)
        {
            pending = _pending;
        }

        pending?.Done.TrySetException(new IOException("The modem link closed while a command was running.", reason));
    }

    private async Task ReadLoopAsync()
    {
        Exception? reason = null;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (line.Length > 0)
                    {
                        HandleLine(line);
                    }
                }

                if (!buffer.IsEmpty && IsPrompt(buffer))
                {
                    buffer = buffer.Slice(buffer.End);
                }
                else if (buffer.Length > MaxLineLength)
                {
                    Log.OversizedLine(_logger, _name, buffer.Length);
                    buffer = buffer.Slice(buffer.End);
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    reason = new EndOfStreamException("The modem link was closed by the other end.");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = new ObjectDisposedException(nameof(AtChannel));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            reason = ex;
        }

        Close(reason);
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadToAny(out ReadOnlySequence<byte> bytes, "\r\n"u8, advancePastDelimiter: true))
        {
            line = Clean(bytes);
            buffer = buffer.Slice(reader.Position);
            return true;
        }

        line = string.Empty;
        return false;
    }

    private static string Clean(ReadOnlySequence<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // NUL, Ctrl-Z and ESC bytes that echoes and line noise leave behind are not part of any line.
            if (c >= ' ' || c == '\t')
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    private bool IsPrompt(ReadOnlySequence<byte> rest)
    {
        if (rest.Length > 4)
        {
            return false;
        }

        var text = Clean(rest);
        if (text != ">")
        {
            return false;
        }

        lock (_gate)
        {
            if (_pending is { Command.Payload: not null } pending)
            {
                pending.Prompt.TrySetResult();
                return true;
            }
        }

        return false;
    }

    private void HandleLine(string line)
    {
        // An echoed PIN command must not reach the log.
        Log.AtLineReceived(_logger, _name, line.StartsWith("AT+CPIN=", StringComparison.OrdinalIgnoreCase) ? "AT+CPIN=\"****\"" : line);
        lock (_gate)
        {
            if (_unsolicitedHeader is { } header)
            {
                _unsolicitedHeader = null;
                _unsolicited.Writer.TryWrite(new AtUnsolicited(header, line));
                return;
            }

            var pending = _pending;
            if (line == ">" && pending is { Command.Payload: not null } prompted && !prompted.Prompt.Task.IsCompleted)
            {
                // The prompt, with a line end that arrived together with the next unsolicited line.
                prompted.Prompt.TrySetResult();
                return;
            }

            var isFinal = AtResultParser.TryParseFinal(line, out var kind, out var code);
            if (pending is not null && pending.ExpectData && (pending.Command.TextBodies || !isFinal))
            {
                pending.ExpectData = false;
                pending.Lines.Add(line);
                return;
            }

            if (pending is not null)
            {
                pending.ExpectData = false;
                if (isFinal)
                {
                    pending.Done.TrySetResult(new AtResponse(pending.Command, pending.Lines, kind, code, line));
                    _pending = null;
                    return;
                }

                if (IsEcho(pending, line))
                {
                    return;
                }

                var prefix = pending.Command.ResponsePrefix;
                if (prefix is not null ? line.StartsWith(prefix, StringComparison.Ordinal) : !LooksUnsolicited(line))
                {
                    pending.Lines.Add(line);
                    pending.ExpectData = line.StartsWith("+CMGR:", StringComparison.Ordinal) || line.StartsWith("+CMGL:", StringComparison.Ordinal);
                    return;
                }
            }
            else if (isFinal)
            {
                Log.StrayFinalResult(_logger, _name, line);
                return;
            }

            if (line.StartsWith("+CMT:", StringComparison.Ordinal) || (line.StartsWith("+CDS:", StringComparison.Ordinal) && IsLengthOnly(line)))
            {
                _unsolicitedHeader = line;
                return;
            }

            _unsolicited.Writer.TryWrite(new AtUnsolicited(line, null));
        }
    }

    private static bool IsEcho(Pending pending, string line)
    {
        if (line == pending.Command.Text.Trim())
        {
            return true;
        }

        return pending.Command.Payload is { Length: > 0 } payload && line.TrimStart('>', ' ').StartsWith(payload, StringComparison.Ordinal);
    }

    private static bool IsLengthOnly(string line)
    {
        var value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool LooksUnsolicited(string line) =>
        line.StartsWith('+') || line.StartsWith('^') || line.StartsWith('*') || line is "RING" or "RDY" or "Call Ready" or "SMS Ready";

    private sealed class Pending(AtCommand command)
    {
        public AtCommand Command { get; } = command;

        public List<string> Lines { get; } = [];

        public bool ExpectData { get; set; }

        public TaskCompletionSource<AtResponse> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Prompt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
