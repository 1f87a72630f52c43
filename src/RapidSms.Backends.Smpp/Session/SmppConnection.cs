using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Session;

/// <summary>
/// One bound (or binding) SMPP link: a tight read loop that frames PDUs out of a pooled buffer, a
/// coalescing writer, a window of outstanding requests with a timeout each, enquire_link on idle with
/// dead-link detection, and automatic answers to the SMSC's enquire_link and unbind. Requests from the SMSC
/// (deliver_sm, data_sm, alert_notification) are queued on <see cref="Requests"/> for the backend to answer.
/// </summary>
internal sealed class SmppConnection : IAsyncDisposable
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly SmppConnectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _backend;
    private readonly FrameWriter _writer;
    private readonly SemaphoreSlim _window;
    private readonly Dictionary<uint, SmppRequest> _pending = [];
    private readonly Lock _pendingGate = new();
    private readonly Channel<SmppPdu> _requests = Channel.CreateUnbounded<SmppPdu>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private readonly ITimer _timer;
    private readonly Action? _onRequestTimeout;
    private Task _readLoop = Task.CompletedTask;
    private uint _sequence;
    private long _lastReceived;
    private SmppRequest? _enquireLink;
    private Exception? _closeReason;
    private int _disposed;

    public SmppConnection(Stream stream, SmppConnectionSettings settings, TimeProvider time, ILogger logger, string backend, string role, Action? onRequestTimeout = null)
    {
        _onRequestTimeout = onRequestTimeout;
        _stream = stream;
        _settings = settings;
        _time = time;
        _logger = logger;
        _backend = backend;
        Role = role;
        _window = new SemaphoreSlim(settings.WindowSize, settings.WindowSize);
        _writer = new FrameWriter(stream, ex => Abort(new SmppException(backend, $"Writing to the SMSC failed: {ex.Message}", null, isTransient: true, ex)));
        _lastReceived = time.GetTimestamp();
        var tick = TimeSpan.FromTicks(Math.Clamp(Math.Min(settings.RequestTimeout.Ticks, settings.EnquireLinkInterval.Ticks) / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = time.CreateTimer(_ => OnTick(), null, tick, tick);
    }

    /// <summary>"transceiver", "transmitter" or "receiver", for logs.</summary>
    public string Role { get; }

    /// <summary>Requests from the SMSC that the backend must answer (deliver_sm, data_sm, alert_notification).</summary>
    public ChannelReader<SmppPdu> Requests => _requests.Reader;

    /// <summary>Completes when the link is closed, with the reason in <see cref="CloseReason"/>.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the link closed, or <see langword="null"/> for a clean unbind.</summary>
    public Exception? CloseReason => Volatile.Read(ref _closeReason);

    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Requests sent and not yet answered.</summary>
    public int Outstanding
    {
        get
        {
            lock (_pendingGate)
            {
                return _pending.Count;
            }
        }
    }

    public void Start() => _readLoop = Task.Run(ReadLoopAsync);

    /// <summary>Binds; throws <see cref="SmppException"/> when the SMSC refuses.</summary>
    public async Task<SmppPdu> BindAsync(SmppCommandId command, SmppConnectionSettings settings, CancellationToken cancellationToken)
    {
        var pdu = new SmppPdu(command)
        {
            SystemId = settings.SystemId,
            Password = settings.Password,
            SystemType = settings.SystemType,
            InterfaceVersion = SmppPduCodec.InterfaceVersion34,
            AddressRange = settings.AddressRange,
        };
        var response = await SendAsync(pdu, cancellationToken).ConfigureAwait(false);
        if (response.Status != SmppCommandStatus.Ok)
        {
            var transient = response.Status is SmppCommandStatus.SystemError or SmppCommandStatus.AlreadyBound or SmppCommandStatus.Throttled or SmppCommandStatus.MessageQueueFull;
            throw new SmppException(_backend, $"The SMSC refused {command} for system_id '{settings.SystemId}': {response.Status} (0x{(uint)response.Status:X2}).", response.Status, transient);
        }

        return response.Pdu ?? new SmppPdu((SmppCommandId)((uint)command | 0x80000000));
    }

    /// <summary>Sends a request outside the window (bind, unbind, enquire_link) and waits for its response.</summary>
    public async Task<SmppResponse> SendAsync(SmppPdu pdu, CancellationToken cancellationToken)
    {
        var request = SmppRequest.Create(pdu);
        try
        {
            return await SendAsync(request, windowed: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.ReturnBuffer();
        }
    }

    /// <summary>
    /// Sends an encoded request and waits for its response. A windowed request first waits for a free slot in the
    /// window. Once written it waits for the response or the request timeout, not for <paramref name="cancellationToken"/>
    /// (the SMSC may already have it).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmppResponse> SendAsync(SmppRequest request, bool windowed, CancellationToken cancellationToken)
    {
        if (windowed)
        {
            await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ValueTask<SmppResponse> response;
        lock (_pendingGate)
        {
            if (!IsOpen)
            {
                if (windowed)
                {
                    _window.Release();
                }

                throw Lost();
            }

            var sequence = NextSequence();
            response = request.Prepare(sequence);
            request.Windowed = windowed;
            request.SentTimestamp = _time.GetTimestamp();
            request.DeadlineTimestamp = request.SentTimestamp + (long)(_settings.RequestTimeout.TotalSeconds * _time.TimestampFrequency);
            _pending[sequence] = request;
        }

        if (!_writer.Write(request.Octets))
        {
            Fail(request, Lost());
        }

        return await response.ConfigureAwait(false);
    }

    /// <summary>Answers a request of the SMSC.</summary>
    public void Respond(SmppPdu response)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SmppPduCodec.GetMaxEncodedLength(response));
        try
        {
            var length = SmppPduCodec.Encode(response, buffer);
            _writer.Write(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Answers with a header-only response or generic_nack.</summary>
    public void Respond(SmppCommandId command, SmppCommandStatus status, uint sequenceNumber)
    {
        Span<byte> frame = stackalloc byte[SmppPduCodec.HeaderLength + 1];
        var length = SmppPduCodec.HeaderLength;
        if (command is SmppCommandId.DeliverSmResp or SmppCommandId.DataSmResp or SmppCommandId.SubmitSmResp)
        {
            // These carry a message_id; an empty one is a single NUL.
            frame[length++] = 0;
        }

        SmppPduCodec.WriteHeader(frame, new SmppHeader((uint)length, command, status, sequenceNumber));
        _writer.Write(frame[..length]);
    }

    /// <summary>Sends unbind, waits for unbind_resp (bounded by the request timeout), and closes.</summary>
    public async Task UnbindAsync(CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            return;
        }

        try
        {
            await SendAsync(new SmppPdu(SmppCommandId.Unbind), cancellationToken).ConfigureAwait(false);
            await _writer.FlushAsync().WaitAsync(_settings.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SmppException or TimeoutException)
        {
            Log.UnbindNotAnswered(_logger, _backend, Role, ex.Message);
        }

        Close(null);
    }

    /// <summary>Closes the link because of <paramref name="reason"/>; pending requests fail with it.</summary>
    public void Abort(Exception reason) => Close(reason);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(CloseReason ?? new SmppException(_backend, "The connection was disposed.", null, isTransient: true));
        await _timer.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The loop ends by its stream closing.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private uint NextSequence()
    {
        // Sequence numbers run 1..0x7FFFFFFF.
        _sequence = _sequence >= 0x7FFFFFFF ? 1 : _sequence + 1;
        return _sequence;
    }

    private SmppException Lost() =>
        CloseReason as SmppException ?? new SmppException(_backend, "The SMPP connection is closed.", null, isTransient: true, CloseReason);

    private void Close(Exception? reason)
    {
        if (reason is not null)
        {
            Interlocked.CompareExchange(ref _closeReason, reason, null);
        }

        if (!_closed.TrySetResult())
        {
            return;
        }

        _requests.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        SmppRequest[] pending;
        lock (_pendingGate)
        {
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        var error = Lost();
        foreach (var request in pending)
        {
            Release(request);
            request.TryFail(error);
        }

        // Closing the stream ends the read loop.
        try
        {
            _stream.Close();
        }
        catch (IOException)
        {
        }
    }

    private void Fail(SmppRequest request, Exception error)
    {
        bool removed;
        lock (_pendingGate)
        {
            removed = _pending.Remove(request.SequenceNumber, out var found) && ReferenceEquals(found, request);
        }

        if (removed)
        {
            Release(request);
            request.TryFail(error);
        }
    }

    private void Release(SmppRequest request)
    {
        if (request.Windowed)
        {
            request.Windowed = false;
            _window.Release();
        }
    }

    private void OnTick()
    {
        if (!IsOpen)
        {
            return;
        }

        var now = _time.GetTimestamp();
        List<SmppRequest>? expired = null;
        lock (_pendingGate)
        {
            foreach (var request in _pending.Values)
            {
                if (request.DeadlineTimestamp <= now)
                {
                    (expired ??= []).Add(request);
                }
            }

            if (expired is not null)
            {
                foreach (var request in expired)
                {
                    _pending.Remove(request.SequenceNumber);
                }
            }
        }

        if (expired is not null)
        {
            foreach (var request in expired)
            {
                Release(request);
                _onRequestTimeout?.Invoke();
                if (ReferenceEquals(request, _enquireLink))
                {
                    Log.DeadLink(_logger, _backend, Role, _settings.RequestTimeout);
                    Abort(new SmppException(_backend, $"The SMSC did not answer enquire_link within {_settings.RequestTimeout}: the link is dead.", null, isTransient: true));
                    return;
                }

                request.TryFail(new SmppException(_backend, $"The SMSC did not answer {request.CommandId} (seq {request.SequenceNumber}) within {_settings.RequestTimeout}.", null, isTransient: true, new TimeoutException()));
            }
        }

        // Idle means nothing came from the SMSC: a link we keep writing to but that stopped answering is probed too.
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastReceived), now);
        if (idle >= _settings.EnquireLinkInterval && _enquireLink is null)
        {
            _ = EnquireLinkAsync();
        }
    }

    private async Task EnquireLinkAsync()
    {
        var request = SmppRequest.Create(new SmppPdu(SmppCommandId.EnquireLink));
        _enquireLink = request;
        try
        {
            await SendAsync(request, windowed: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SmppException)
        {
            // A dead link is handled by the tick that expired it; a closed one by its closer.
        }
        finally
        {
            _enquireLink = null;
            request.ReturnBuffer();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ReadBufferSize, _settings.MaxPduLength + 1024));
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    // Only part of a PDU is left at the end: move it to the front.
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await _stream.ReadAsync(buffer.AsMemory(end), _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    Close(new SmppException(_backend, "The SMSC closed the connection.", null, isTransient: true));
                    return;
                }

                end += read;
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                while (end - start >= 4)
                {
                    var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                    if (length < SmppPduCodec.HeaderLength || length > (uint)_settings.MaxPduLength)
                    {
                        // The framing is lost: nothing after this can be trusted.
                        Log.BadFrame(_logger, _backend, Role, length, _settings.MaxPduLength);
                        if (end - start >= SmppPduCodec.HeaderLength)
                        {
                            Respond(SmppCommandId.GenericNack, SmppCommandStatus.InvalidCommandLength, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start + 12)));
                            await _writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
                        }

                        Close(new SmppException(_backend, $"The SMSC sent a PDU with command_length {length}: the stream cannot be framed.", SmppCommandStatus.InvalidCommandLength, isTransient: true));
                        return;
                    }

                    if (end - start < length)
                    {
                        if (start > 0 && buffer.Length - start < length)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }

                        break;
                    }

                    HandleFrame(buffer.AsSpan(start, (int)length));
                    start += (int)length;
                }

                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            Close(new SmppException(_backend, $"The SMPP connection failed: {ex.Message}", null, isTransient: true, ex));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void HandleFrame(ReadOnlySpan<byte> frame)
    {
        SmppPduCodec.TryReadHeader(frame, out var header);
        if (((uint)header.CommandId & 0x80000000) != 0)
        {
            HandleResponse(header, frame);
            return;
        }

        switch (header.CommandId)
        {
            case SmppCommandId.EnquireLink:
                Respond(SmppCommandId.EnquireLinkResp, SmppCommandStatus.Ok, header.SequenceNumber);
                return;
            case SmppCommandId.Unbind:
                Log.UnbindBySmsc(_logger, _backend, Role);
                Respond(SmppCommandId.UnbindResp, SmppCommandStatus.Ok, header.SequenceNumber);
                _ = CloseAfterFlushAsync();
                return;
            case SmppCommandId.DeliverSm or SmppCommandId.DataSm or SmppCommandId.AlertNotification or SmppCommandId.Outbind:
                if (SmppPduCodec.TryDecode(frame, out var pdu, out var error))
                {
                    _requests.Writer.TryWrite(pdu);
                    Log.RequestQueued(_logger, _backend, pdu.CommandId, pdu.SequenceNumber, Role);
                }
                else
                {
                    Log.MalformedPdu(_logger, _backend, Role, error.Reason);
                    Respond(SmppCommandId.GenericNack, error.Status, header.SequenceNumber);
                }

                return;
            default:
                Log.UnexpectedCommand(_logger, _backend, Role, (uint)header.CommandId, header.SequenceNumber);
                Respond(SmppCommandId.GenericNack, SmppCommandStatus.InvalidCommandId, header.SequenceNumber);
                return;
        }
    }

    private async Task CloseAfterFlushAsync()
    {
        try
        {
            await _writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(2), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        Close(new SmppException(_backend, "The SMSC unbound.", null, isTransient: true));
    }

    private void HandleResponse(SmppHeader header, ReadOnlySpan<byte> frame)
    {
        SmppRequest? request;
        lock (_pendingGate)
        {
            _pending.Remove(header.SequenceNumber, out request);
        }

        if (request is null)
        {
            if (header.CommandId == SmppCommandId.GenericNack)
            {
                Log.GenericNackReceived(_logger, _backend, Role, header.Status, header.SequenceNumber);
            }
            else
            {
                Log.UnmatchedResponse(_logger, _backend, Role, (uint)header.CommandId, header.SequenceNumber);
            }

            return;
        }

        Release(request);
        SmppResponse response;
        if (header.CommandId is SmppCommandId.SubmitSmResp or SmppCommandId.DataSmResp)
        {
            if (!SmppPduCodec.TryReadMessageId(frame[SmppPduCodec.HeaderLength..], out var messageId))
            {
                Log.MalformedPdu(_logger, _backend, Role, $"{header.CommandId} seq {header.SequenceNumber}: message_id is not NUL-terminated or too long");
            }

            response = new SmppResponse(header.Status, messageId, null);
        }
        else if (header.CommandId == SmppCommandId.GenericNack)
        {
            Log.GenericNackReceived(_logger, _backend, Role, header.Status, header.SequenceNumber);
            response = new SmppResponse(header.Status == SmppCommandStatus.Ok ? SmppCommandStatus.UnknownError : header.Status, null, null);
        }
        else if (SmppPduCodec.TryDecode(frame, out var pdu, out var error))
        {
            response = new SmppResponse(header.Status, pdu.MessageId, pdu);
        }
        else
        {
            Log.MalformedPdu(_logger, _backend, Role, error.Reason);
            response = new SmppResponse(header.Status, null, null);
        }

        request.TryComplete(response);
    }
}
