using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Session;

/// <summary>
/// An encoded request waiting for its response; awaitable once per use without allocating. The encoded
/// octets live in a pooled buffer that is kept across retries (the same PDU is sent again with a new sequence number).
/// </summary>
internal sealed class SmppRequest : IValueTaskSource<SmppResponse>
{
    private const int PoolSize = 4096;
    private const int KeptBufferSize = 1024;
    private static readonly ConcurrentQueue<SmppRequest> Pool = new();
    private static int _pooled;

    private ManualResetValueTaskSourceCore<SmppResponse> _core = new() { RunContinuationsAsynchronously = true };
    private int _completed;

    public byte[] Buffer { get; private set; } = [];

    public int Length { get; private set; }

    public SmppCommandId CommandId { get; private set; }

    public uint SequenceNumber { get; private set; }

    /// <summary>When the request was last queued for writing (a <see cref="TimeProvider"/> timestamp).</summary>
    public long SentTimestamp { get; set; }

    public long DeadlineTimestamp { get; set; }

    /// <summary>Whether this request holds a window slot to give back when it completes.</summary>
    public bool Windowed { get; set; }

    /// <summary>Called on the read loop when the response arrives, before the awaiting sender resumes (receipts may follow at once).</summary>
    public Action<SmppRequest, SmppResponse>? OnResponse { get; set; }

    /// <summary>What the caller needs to correlate the response.</summary>
    public object? State { get; set; }

    public ReadOnlySpan<byte> Octets => Buffer.AsSpan(0, Length);

    public static SmppRequest Create(SmppPdu pdu)
    {
        var request = new SmppRequest();
        request.SetPdu(pdu);
        return request;
    }

    /// <summary>A request from the pool (or a new one) holding <paramref name="pdu"/>; give it back with <see cref="Return"/>.</summary>
    public static SmppRequest Rent(SmppPdu pdu)
    {
        if (Pool.TryDequeue(out var request))
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            request = new SmppRequest();
        }

        request.SetPdu(pdu);
        return request;
    }

    /// <summary>Gives a request back once its last response was awaited; a large buffer goes back to the array pool.</summary>
    public void Return()
    {
        State = null;
        OnResponse = null;
        Windowed = false;
        if (Buffer.Length > KeptBufferSize)
        {
            ReturnBuffer();
        }

        if (Interlocked.Increment(ref _pooled) <= PoolSize)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
            ReturnBuffer();
        }
    }

    public void SetPdu(SmppPdu pdu)
    {
        var max = SmppPduCodec.GetMaxEncodedLength(pdu);
        if (Buffer.Length < max)
        {
            ReturnBuffer();
            Buffer = ArrayPool<byte>.Shared.Rent(max);
        }

        Length = SmppPduCodec.Encode(pdu, Buffer);
        CommandId = pdu.CommandId;
    }

    /// <summary>Gives the request a fresh sequence number and readies it to be awaited (again).</summary>
    public ValueTask<SmppResponse> Prepare(uint sequenceNumber)
    {
        _core.Reset();
        _completed = 0;
        SequenceNumber = sequenceNumber;
        BinaryPrimitives.WriteUInt32BigEndian(Buffer.AsSpan(12), sequenceNumber);
        return new ValueTask<SmppResponse>(this, _core.Version);
    }

    public bool TryComplete(SmppResponse response)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        OnResponse?.Invoke(this, response);
        _core.SetResult(response);
        return true;
    }

    public bool TryFail(Exception error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(error);
        return true;
    }

    public void ReturnBuffer()
    {
        if (Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = [];
            Length = 0;
        }
    }

    SmppResponse IValueTaskSource<SmppResponse>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<SmppResponse>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<SmppResponse>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
