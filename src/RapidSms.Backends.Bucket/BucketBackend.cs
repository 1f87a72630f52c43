namespace RapidSms.Backends.Bucket;

/// <summary>
/// The in-memory backend (RapidSMS's bucket): keeps every message it received and sent, and lets
/// code inject incoming messages and delivery reports. Use it in tests, message testers and local
/// development; nothing leaves the process.
/// </summary>
[BackendEngine("bucket", Aliases = ["rapidsms.backends.bucket.BucketBackend"])]
public sealed class BucketBackend : BackendBase<BucketOptions>
{
    private readonly Lock _gate = new();
    private readonly Queue<IncomingMessage> _received = new();
    private readonly Queue<BucketMessage> _sent = new();
    private readonly List<(long Count, TaskCompletionSource Signal)> _waiters = [];
    private long _sentTotal;
    private long _nextId;

    /// <summary>Messages received (injected), oldest first, up to <see cref="BucketOptions.MaxKept"/>.</summary>
    public IReadOnlyList<IncomingMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Messages sent, one entry per recipient, oldest first, up to <see cref="BucketOptions.MaxKept"/>.</summary>
    public IReadOnlyList<BucketMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>How many messages were sent since start (or <see cref="Clear"/>), including forgotten ones.</summary>
    public long SentCount => Interlocked.Read(ref _sentTotal);

    /// <summary>
    /// Injects a message as if <paramref name="identity"/> had sent it; completes when the router has
    /// processed it (its replies are then in <see cref="Sent"/>).
    /// </summary>
    /// <param name="identity">The sender.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Stops waiting for room in the router.</param>
    /// <returns>The message as the apps saw it.</returns>
    public async ValueTask<IncomingMessage> InjectAsync(string identity, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        ArgumentNullException.ThrowIfNull(text);
        var message = await ReceiveAsync(identity, text, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _received.Enqueue(message);
            Trim(_received);
        }

        return message;
    }

    /// <summary>Injects a delivery report for a message this backend sent.</summary>
    /// <param name="sent">The sent message the report is about.</param>
    /// <param name="status">The reported status.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    public ValueTask InjectDeliveryReportAsync(BucketMessage sent, DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var report = new DeliveryReport(Name, sent.Identity, status, TimeProvider.GetUtcNow())
        {
            MessageId = sent.Message.Id,
            BackendMessageId = sent.BackendMessageId,
        };
        return ReportDeliveryAsync(report, cancellationToken);
    }

    /// <summary>The messages sent in reply to <paramref name="incoming"/>, one entry per recipient.</summary>
    /// <param name="incoming">An incoming message.</param>
    public IReadOnlyList<BucketMessage> RepliesTo(IncomingMessage incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        lock (_gate)
        {
            return _sent.Where(m => ReferenceEquals(m.Message.InResponseTo, incoming)).ToArray();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have been sent.</summary>
    /// <param name="count">How many sent messages (one per recipient) to wait for.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The sent messages at that point.</returns>
    public async Task<IReadOnlyList<BucketMessage>> WaitForSentAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_sentTotal >= count)
            {
                return [.. _sent];
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        try
        {
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A waiter that gave up must not stay registered.
            lock (_gate)
            {
                _waiters.RemoveAll(w => ReferenceEquals(w.Signal, signal));
            }

            throw;
        }

        return Sent;
    }

    /// <summary>Forgets every message received and sent.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _received.Clear();
            _sent.Clear();
            Interlocked.Exchange(ref _sentTotal, 0);
        }
    }

    /// <inheritdoc />
    public override ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var results = new RecipientResult[identities.Count];
        var now = TimeProvider.GetUtcNow();
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            for (var i = 0; i < identities.Count; i++)
            {
                var identity = identities[i];
                if (Options.FailIdentities.Contains(identity, StringComparer.Ordinal))
                {
                    results[i] = RecipientResult.Failed(identity, $"The bucket is configured to fail sending to {identity}.");
                    continue;
                }

                var id = $"bucket-{Interlocked.Increment(ref _nextId)}";
                _sent.Enqueue(new BucketMessage(identity, message.Text, message, id, now));
                Trim(_sent);
                Interlocked.Increment(ref _sentTotal);
                results[i] = RecipientResult.Sent(identity, id);
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_sentTotal >= _waiters[i].Count)
                {
                    (ready ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(s => s.TrySetResult());
        return new ValueTask<SendResult>(new SendResult(results));
    }

    private void Trim<T>(Queue<T> queue)
    {
        while (queue.Count > Options.MaxKept)
        {
            queue.Dequeue();
        }
    }
}
