using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Testing;

/// <summary>One client connection of the <see cref="SmppSimulator"/>: a tight read loop and a coalescing writer.</summary>
internal sealed class SmppSimulatorSession
{
    private readonly SmppSimulator _owner;
    private readonly Socket _socket;
    private readonly Lock _writeGate = new();
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<uint, TaskCompletionSource<SmppCommandStatus?>> _pending = [];
    private readonly List<byte[]> _stalled = [];
    private byte[] _out = new byte[64 * 1024];
    private byte[] _spare = new byte[64 * 1024];
    private int _outCount;
    private bool _writing;
    private int _sequence = 0x40000000;
    private volatile bool _closed;
    private volatile SmppCommandId _bind;

    public SmppSimulatorSession(SmppSimulator owner, Socket socket)
    {
        _owner = owner;
        _socket = socket;
    }

    public bool IsBound => _bind != 0 && !_closed;

    public bool CanReceive => IsBound && _bind is SmppCommandId.BindTransceiver or SmppCommandId.BindReceiver;

    public void Start() => _ = Task.Run(ReadLoopAsync);

    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _owner.Remove(this);
        TaskCompletionSource<SmppCommandStatus?>[] pending;
        lock (_pendingGate)
        {
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var waiter in pending)
        {
            waiter.TrySetResult(null);
        }
    }

    /// <summary>Sends a request to the client; completes with its answer's status, or <see langword="null"/> when the link went away.</summary>
    public async Task<SmppCommandStatus?> RequestAsync(SmppPdu pdu, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<SmppCommandStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pendingGate)
        {
            pdu.SequenceNumber = (uint)Interlocked.Increment(ref _sequence);
            _pending[pdu.SequenceNumber] = waiter;
        }

        Write(SmppPduCodec.Encode(pdu));
        if (_closed)
        {
            waiter.TrySetResult(null);
        }

        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void ReleaseStalled()
    {
        byte[][] stalled;
        lock (_writeGate)
        {
            stalled = [.. _stalled];
            _stalled.Clear();
        }

        foreach (var frame in stalled)
        {
            Write(frame);
        }
    }

    public void Write(ReadOnlySpan<byte> frame)
    {
        bool start;
        lock (_writeGate)
        {
            if (_closed)
            {
                return;
            }

            if (_outCount + frame.Length > _out.Length)
            {
                Array.Resize(ref _out, Math.Max(_out.Length * 2, _outCount + frame.Length));
            }

            frame.CopyTo(_out.AsSpan(_outCount));
            _outCount += frame.Length;
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            // Drain on the thread pool: the caller returns at once, and PDUs written meanwhile go out in the same batch.
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.DrainAsync(), this, preferLocal: false);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                byte[] buffer;
                int count;
                lock (_writeGate)
                {
                    if (_outCount == 0)
                    {
                        _writing = false;
                        return;
                    }

                    (_out, _spare) = (_spare, _out);
                    buffer = _spare;
                    count = _outCount;
                    _outCount = 0;
                }

                var sent = 0;
                while (sent < count)
                {
                    sent += await _socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            lock (_writeGate)
            {
                _writing = false;
            }

            Close();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        var start = 0;
        var end = 0;
        try
        {
            while (!_closed)
            {
                if (end == buffer.Length)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                end += read;
                while (end - start >= SmppPduCodec.HeaderLength)
                {
                    var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                    if (length < SmppPduCodec.HeaderLength || length > 64 * 1024)
                    {
                        return;
                    }

                    if (end - start < length)
                    {
                        if (buffer.Length - start < length)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }

                        break;
                    }

                    if (!Handle(buffer.AsSpan(start, (int)length)))
                    {
                        return;
                    }

                    start += (int)length;
                }

                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Close();
        }
    }

    /// <summary>Handles one PDU; returns <see langword="false"/> to close the link.</summary>
    private bool Handle(ReadOnlySpan<byte> frame)
    {
        SmppPduCodec.TryReadHeader(frame, out var header);
        switch (header.CommandId)
        {
            case SmppCommandId.SubmitSm:
                return HandleSubmit(frame, header);
            case SmppCommandId.EnquireLink:
                if (!_owner.IgnoreEnquireLink)
                {
                    WriteHeaderOnly(SmppCommandId.EnquireLinkResp, SmppCommandStatus.Ok, header.SequenceNumber);
                }

                return true;
            case SmppCommandId.BindTransceiver or SmppCommandId.BindTransmitter or SmppCommandId.BindReceiver:
                HandleBind(frame, header);
                return true;
            case SmppCommandId.Unbind:
                WriteHeaderOnly(SmppCommandId.UnbindResp, SmppCommandStatus.Ok, header.SequenceNumber);
                _bind = 0;
                _ = CloseSoonAsync();
                return true;
            case SmppCommandId.SubmitMulti:
                return HandleSubmitMulti(frame, header);
            case SmppCommandId.QuerySm or SmppCommandId.CancelSm or SmppCommandId.ReplaceSm:
                HandleMessageRequest(frame, header);
                return true;
            case SmppCommandId.GenericNack:
                Complete(header);
                _owner.GenericNackReceived(header.Status);
                return true;
            case SmppCommandId.DeliverSmResp or SmppCommandId.DataSmResp or SmppCommandId.UnbindResp or SmppCommandId.EnquireLinkResp:
                Complete(header);
                return true;
            default:
                WriteHeaderOnly(SmppCommandId.GenericNack, SmppCommandStatus.InvalidCommandId, header.SequenceNumber);
                return true;
        }
    }

    private async Task CloseSoonAsync()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(50), _owner.Options.TimeProvider).ConfigureAwait(false);
        Close();
    }

    private void Complete(SmppHeader header)
    {
        TaskCompletionSource<SmppCommandStatus?>? waiter;
        lock (_pendingGate)
        {
            _pending.Remove(header.SequenceNumber, out waiter);
        }

        waiter?.TrySetResult(header.Status);
    }

    private void HandleBind(ReadOnlySpan<byte> frame, SmppHeader header)
    {
        var response = (SmppCommandId)((uint)header.CommandId | 0x80000000);
        if (!SmppPduCodec.TryDecode(frame, out var bind, out _))
        {
            WriteHeaderOnly(SmppCommandId.GenericNack, SmppCommandStatus.InvalidCommandLength, header.SequenceNumber);
            return;
        }

        if (_bind != 0)
        {
            Write(SmppPduCodec.Encode(new SmppPdu(response, header.SequenceNumber, SmppCommandStatus.AlreadyBound) { SystemId = "RapidSmsSim" }));
            return;
        }

        var ok = _owner.CheckBind(bind, out var status);
        if (ok)
        {
            _bind = header.CommandId;
        }

        var answer = new SmppPdu(response, header.SequenceNumber, status) { SystemId = "RapidSmsSim" };
        answer.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.ScInterfaceVersion, SmppPduCodec.InterfaceVersion34));
        Write(SmppPduCodec.Encode(answer));
    }

    private bool HandleSubmitMulti(ReadOnlySpan<byte> frame, SmppHeader header)
    {
        if (_bind is not (SmppCommandId.BindTransceiver or SmppCommandId.BindTransmitter))
        {
            WriteHeaderOnly(SmppCommandId.SubmitMultiResp, SmppCommandStatus.InvalidBindStatus, header.SequenceNumber);
            return true;
        }

        if (!SmppPduCodec.TryDecode(frame, out var pdu, out var error))
        {
            WriteHeaderOnly(SmppCommandId.GenericNack, error.Status, header.SequenceNumber);
            return true;
        }

        var decision = _owner.Decide();
        if (decision.Action == SmppSimulator.SubmitAction.Drop)
        {
            return false;
        }

        if (decision.Status != SmppCommandStatus.Ok)
        {
            WriteHeaderOnly(SmppCommandId.SubmitMultiResp, decision.Status, header.SequenceNumber);
            return true;
        }

        var messageId = _owner.FormatId(decision.MessageId);
        var response = new SmppPdu(SmppCommandId.SubmitMultiResp, header.SequenceNumber) { MessageId = messageId };
        var receipts = new List<byte[]>();
        foreach (var destination in pdu.Destinations)
        {
            if (_owner.FailedDestination(destination.Address.Address) is { } failed)
            {
                response.UnsuccessfulDestinations.Add(new SmppUnsuccessfulDestination(destination.Address, failed));
                continue;
            }

            // Recorded as the submit_sm it stands for, one per destination, all with the same id.
            var single = new SmppPdu(SmppCommandId.SubmitSm, header.SequenceNumber)
            {
                ServiceType = pdu.ServiceType,
                Source = pdu.Source,
                Destination = destination.Address,
                EsmClass = pdu.EsmClass,
                RegisteredDelivery = pdu.RegisteredDelivery,
                DataCoding = pdu.DataCoding,
                ShortMessage = pdu.ShortMessage,
            };
            if (_owner.Options.RecordSubmissions)
            {
                _owner.Record(single, messageId);
            }

            if (_owner.Options.AutoReceipts && (pdu.RegisteredDelivery & 0x03) != 0)
            {
                var handset = destination.Address.Ton == 1 ? "+" + destination.Address.Address : destination.Address.Address;
                var now = _owner.Options.TimeProvider.GetUtcNow();
                var receipt = SmppSimulator.Receipt(decision.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), handset, pdu.Source, now, now, "DELIVRD", withTlvs: false);
                lock (_pendingGate)
                {
                    receipt.SequenceNumber = (uint)Interlocked.Increment(ref _sequence);
                    _pending[receipt.SequenceNumber] = new TaskCompletionSource<SmppCommandStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                receipts.Add(SmppPduCodec.Encode(receipt));
            }
        }

        Write(SmppPduCodec.Encode(response));
        foreach (var receipt in receipts)
        {
            Write(receipt);
        }

        return true;
    }

    private void HandleMessageRequest(ReadOnlySpan<byte> frame, SmppHeader header)
    {
        var response = (SmppCommandId)((uint)header.CommandId | 0x80000000);
        if (_bind is not (SmppCommandId.BindTransceiver or SmppCommandId.BindTransmitter))
        {
            WriteHeaderOnly(response, SmppCommandStatus.InvalidBindStatus, header.SequenceNumber);
            return;
        }

        if (!SmppPduCodec.TryDecode(frame, out var pdu, out var error))
        {
            WriteHeaderOnly(SmppCommandId.GenericNack, error.Status, header.SequenceNumber);
            return;
        }

        switch (header.CommandId)
        {
            case SmppCommandId.QuerySm:
                Write(SmppPduCodec.Encode(_owner.Query(pdu)));
                break;
            case SmppCommandId.CancelSm:
                WriteHeaderOnly(response, _owner.Cancel(pdu), header.SequenceNumber);
                break;
            default:
                WriteHeaderOnly(response, _owner.Replace(pdu), header.SequenceNumber);
                break;
        }
    }

    private bool HandleSubmit(ReadOnlySpan<byte> frame, SmppHeader header)
    {
        if (_bind is not (SmppCommandId.BindTransceiver or SmppCommandId.BindTransmitter))
        {
            WriteHeaderOnly(SmppCommandId.SubmitSmResp, SmppCommandStatus.InvalidBindStatus, header.SequenceNumber);
            return true;
        }

        SmppPdu? pdu = null;
        if (_owner.Options.RecordSubmissions || _owner.Options.AutoReceipts)
        {
            if (!SmppPduCodec.TryDecode(frame, out pdu, out var error))
            {
                WriteHeaderOnly(SmppCommandId.GenericNack, error.Status, header.SequenceNumber);
                return true;
            }
        }

        var decision = _owner.Decide();
        if (decision.Action == SmppSimulator.SubmitAction.Drop)
        {
            return false;
        }

        if (decision.Status != SmppCommandStatus.Ok)
        {
            WriteHeaderOnly(SmppCommandId.SubmitSmResp, decision.Status, header.SequenceNumber);
            return true;
        }

        // submit_sm_resp: header + message_id, formatted without allocating on the fast path.
        Span<byte> response = stackalloc byte[SmppPduCodec.HeaderLength + 24];
        int idLength;
        if (_owner.Options.HexMessageIds)
        {
            decision.MessageId.TryFormat(response[SmppPduCodec.HeaderLength..], out idLength, "X8", System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            decision.MessageId.TryFormat(response[SmppPduCodec.HeaderLength..], out idLength, default, System.Globalization.CultureInfo.InvariantCulture);
        }

        response[SmppPduCodec.HeaderLength + idLength] = 0;
        var length = SmppPduCodec.HeaderLength + idLength + 1;
        SmppPduCodec.WriteHeader(response, new SmppHeader((uint)length, SmppCommandId.SubmitSmResp, SmppCommandStatus.Ok, header.SequenceNumber));

        string? messageId = null;
        if (pdu is not null)
        {
            messageId = Encoding.ASCII.GetString(response.Slice(SmppPduCodec.HeaderLength, idLength));
            if (_owner.Options.RecordSubmissions)
            {
                _owner.Record(pdu, messageId);
            }
        }

        byte[]? receipt = null;
        if (pdu is not null && _owner.Options.AutoReceipts && (pdu.RegisteredDelivery & 0x03) != 0)
        {
            // Receipts report ids in decimal even when responses carry hex, as some SMSCs do.
            var receiptId = decision.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var now = _owner.Options.TimeProvider.GetUtcNow();
            var receiptPdu = SmppSimulator.Receipt(receiptId, pdu.Destination.Ton == 1 ? "+" + pdu.Destination.Address : pdu.Destination.Address, pdu.Source, now, now, "DELIVRD", withTlvs: false);
            lock (_pendingGate)
            {
                receiptPdu.SequenceNumber = (uint)Interlocked.Increment(ref _sequence);
                _pending[receiptPdu.SequenceNumber] = new TaskCompletionSource<SmppCommandStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            receipt = SmppPduCodec.Encode(receiptPdu);
        }

        if (receipt is not null && _owner.ReceiptsBeforeResponses)
        {
            Write(receipt);
            receipt = null;
        }

        if (_owner.StallResponses)
        {
            lock (_writeGate)
            {
                _stalled.Add(response[..length].ToArray());
            }
        }
        else
        {
            Write(response[..length]);
        }

        if (receipt is not null)
        {
            Write(receipt);
        }

        return true;
    }

    private void WriteHeaderOnly(SmppCommandId command, SmppCommandStatus status, uint sequence)
    {
        Span<byte> frame = stackalloc byte[SmppPduCodec.HeaderLength];
        SmppPduCodec.WriteHeader(frame, new SmppHeader(SmppPduCodec.HeaderLength, command, status, sequence));
        Write(frame);
    }
}
