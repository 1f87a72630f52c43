using System.ComponentModel.DataAnnotations;

namespace RapidSms;

/// <summary>How the router processes messages and how the host looks after backends.</summary>
public sealed class RapidSmsOptions
{
    /// <summary>
    /// How many incoming messages are processed at once across all connections. Messages from one
    /// connection are always processed one after another, in arrival order. Defaults to 64.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentMessages { get; set; } = 64;

    /// <summary>
    /// How many incoming messages the router holds at once (processing plus waiting). When full,
    /// <see cref="IRouter.ReceiveIncomingAsync"/> waits for room: back-pressure on the backends
    /// instead of an unbounded queue. Defaults to 1024.
    /// </summary>
    [Range(1, 10_000_000)]
    public int Capacity { get; set; } = 1024;

    /// <summary>How many times a send is tried for recipients that fail transiently. Defaults to 3.</summary>
    [Range(1, 100)]
    public int MaxSendAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry of a transient send failure; it doubles per attempt, with jitter. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SendRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The delay before restarting a backend whose receive loop failed; it doubles per failure, with jitter. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BackendRestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between restarts of a failing backend. Defaults to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxBackendRestartDelay { get; set; } = TimeSpan.FromMinutes(1);
}
