namespace RapidSms.Testing;

/// <summary>
/// Waits that end once a growing collection reaches a count. Not thread-safe by itself: the owner
/// calls every member under its own lock, and completes the signals it takes after leaving the lock.
/// </summary>
internal sealed class CountWaiters
{
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Registers a wait for <paramref name="count"/> items.</summary>
    public TaskCompletionSource Add(int count)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((count, signal));
        return signal;
    }

    /// <summary>Forgets a wait that ended, whether it was satisfied, cancelled or failed.</summary>
    public void Remove(TaskCompletionSource signal) => _waiters.RemoveAll(w => ReferenceEquals(w.Signal, signal));

    /// <summary>Takes the waits satisfied by <paramref name="current"/> items, or <see langword="null"/> when none is.</summary>
    public List<TaskCompletionSource>? TakeReady(int current)
    {
        List<TaskCompletionSource>? ready = null;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (current >= _waiters[i].Count)
            {
                (ready ??= []).Add(_waiters[i].Signal);
                _waiters.RemoveAt(i);
            }
        }

        return ready;
    }

    /// <summary>Takes every wait, satisfied or not (when the owner is disposed).</summary>
    public List<TaskCompletionSource> TakeAll()
    {
        var all = _waiters.Select(w => w.Signal).ToList();
        _waiters.Clear();
        return all;
    }
}
