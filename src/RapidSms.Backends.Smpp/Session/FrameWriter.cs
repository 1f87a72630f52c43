namespace RapidSms.Backends.Smpp.Session;

/// <summary>
/// Coalesces encoded PDUs into one buffer and writes them to the stream in batches: callers copy their
/// octets under a short lock, and whoever finds the writer idle drains the buffer with as few writes as
/// the load allows. No allocation per PDU.
/// </summary>
internal sealed class FrameWriter
{
    private readonly Stream _stream;
    private readonly Action<Exception> _onError;
    private readonly Lock _gate = new();
    private byte[] _pending = new byte[16 * 1024];
    private byte[] _writing = new byte[16 * 1024];
    private int _count;
    private bool _busy;
    private bool _failed;
    private TaskCompletionSource? _drained;

    public FrameWriter(Stream stream, Action<Exception> onError)
    {
        _stream = stream;
        _onError = onError;
    }

    /// <summary>Queues octets; returns <see langword="false"/> when the writer failed (the link is gone).</summary>
    public bool Write(ReadOnlySpan<byte> frame)
    {
        bool start;
        lock (_gate)
        {
            if (_failed)
            {
                return false;
            }

            if (_count + frame.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _count + frame.Length));
            }

            frame.CopyTo(_pending.AsSpan(_count));
            _count += frame.Length;
            start = !_busy;
            _busy = true;
        }

        if (start)
        {
            // Drain on the thread pool: the caller returns at once, and PDUs written meanwhile go out in the same batch.
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.DrainAsync(), this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Completes when everything queued so far has been written (or the writer failed).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            if (!_busy || _failed)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                int count;
                byte[] buffer;
                TaskCompletionSource? drained = null;
                lock (_gate)
                {
                    if (_count == 0)
                    {
                        _busy = false;
                        drained = _drained;
                        _drained = null;
                        count = 0;
                        buffer = [];
                    }
                    else
                    {
                        (_pending, _writing) = (_writing, _pending);
                        count = _count;
                        _count = 0;
                        buffer = _writing;
                    }
                }

                if (count == 0)
                {
                    drained?.TrySetResult();
                    return;
                }

                await _stream.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            TaskCompletionSource? drained;
            lock (_gate)
            {
                _failed = true;
                _busy = false;
                drained = _drained;
                _drained = null;
            }

            drained?.TrySetResult();
            _onError(ex);
        }
    }
}
