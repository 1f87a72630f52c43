using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Bucket;

namespace RapidSms.Testing;

/// <summary>
/// Runs your apps in a real host, behind an in-memory backend named <see cref="BackendName"/>, so a test
/// can play a phone: send a text, get the replies. Time stands still (<see cref="Time"/>) and every log
/// entry is kept (<see cref="Logs"/>).
/// </summary>
/// <remarks>
/// The host validates its services when it is built, as in Development, so an app whose dependency is
/// not registered fails <see cref="StartAsync"/> with a message naming it, not the first message later.
/// </remarks>
/// <example>
/// <code>
/// await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler&lt;PingHandler&gt;());
/// var replies = await tester.SendAsync("+256700000001", "ping");
/// Assert.Equal(["pong"], replies);
///
/// await tester.RunScriptAsync("""
///     +256700000001 > ping
///     +256700000001 &lt; pong
///     """);
/// </code>
/// </example>
public sealed class MessageTester : IAsyncDisposable
{
    /// <summary>The name of the bucket backend the tester sends through: <c>message_tester</c>.</summary>
    public const string BackendName = "message_tester";

    private readonly TimeSpan _timeout;
    private int _disposed;

    private MessageTester(IHost host, ManualTimeProvider time, ListLoggerProvider logs, TimeSpan timeout)
    {
        Host = host;
        Time = time;
        Logs = logs;
        _timeout = timeout;
        Router = host.Services.GetRequiredService<IRouter>();
        Bucket = Router.GetBackend<BucketBackend>(BackendName);
    }

    /// <summary>The running host.</summary>
    public IHost Host { get; }

    /// <summary>The host's services, to reach the apps and what they depend on.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The router, to send messages the way an app does.</summary>
    public IRouter Router { get; }

    /// <summary>The in-memory backend named <see cref="BackendName"/>: what it received and sent.</summary>
    public BucketBackend Bucket { get; }

    /// <summary>The host's clock; it moves only when the test calls <see cref="ManualTimeProvider.Advance"/>.</summary>
    public ManualTimeProvider Time { get; }

    /// <summary>Every log entry the host wrote, at or above <see cref="MessageTesterOptions.MinimumLogLevel"/>.</summary>
    public ListLoggerProvider Logs { get; }

    /// <summary>Every message the bucket backend sent, one entry per recipient, oldest first: replies and messages apps sent on their own.</summary>
    public IReadOnlyList<BucketMessage> Outbox => Bucket.Sent;

    /// <summary>
    /// Builds and starts a host with RapidSms, a bucket backend named <see cref="BackendName"/>, and what
    /// <paramref name="configure"/> adds.
    /// </summary>
    /// <param name="configure">Adds the apps and handlers under test (and more backends if they need them).</param>
    /// <param name="options">How to build the host; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started tester; dispose it to stop the host.</returns>
    public static async Task<MessageTester> StartAsync(
        Action<IRapidSmsBuilder> configure,
        MessageTesterOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        options ??= new MessageTesterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));

        var time = options.TimeProvider ?? new ManualTimeProvider();
        var logs = new ListLoggerProvider(time);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "RapidSms.MessageTester",
            EnvironmentName = Environments.Development,
        });
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel).AddProvider(logs);

        // Registered before AddRapidSms, which only adds the system clock when none is registered.
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddRapidSms(rapid =>
        {
            rapid.AddBackend(BackendName, b => b.UseBucket(options.ConfigureBucket));
            configure(rapid);
        });
        options.ConfigureServices?.Invoke(builder.Services);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        options.ConfigureHost?.Invoke(builder);

        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            try
            {
                await host.StartAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The message tester's host did not start within {options.Timeout}.", ex);
            }

            return new MessageTester(host, time, logs, options.Timeout);
        }
        catch
        {
            await DisposeHostAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Plays a phone sending <paramref name="text"/>; returns the texts of the replies sent back to it, in
    /// order, once the apps are done with the message.
    /// </summary>
    /// <param name="identity">The phone number (or any identity) that sends.</param>
    /// <param name="text">What it sends.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The replies to <paramref name="identity"/>; empty when the apps did not answer.</returns>
    /// <exception cref="TimeoutException">The apps did not finish with the message within <see cref="MessageTesterOptions.Timeout"/>.</exception>
    public async Task<IReadOnlyList<string>> SendAsync(string identity, string text, CancellationToken cancellationToken = default)
    {
        var incoming = await InjectAsync(identity, text, cancellationToken).ConfigureAwait(false);
        return Bucket.RepliesTo(incoming)
            .Where(m => string.Equals(m.Identity, identity, StringComparison.Ordinal))
            .Select(m => m.Text)
            .ToArray();
    }

    /// <summary>
    /// Plays a phone sending <paramref name="text"/>; returns the message as the apps saw it once they are
    /// done with it, to check <see cref="IncomingMessage.Handled"/>, its fields or its responses.
    /// </summary>
    /// <param name="identity">The phone number (or any identity) that sends.</param>
    /// <param name="text">What it sends.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The processed incoming message.</returns>
    /// <exception cref="TimeoutException">The apps did not finish with the message within <see cref="MessageTesterOptions.Timeout"/>.</exception>
    public async Task<IncomingMessage> InjectAsync(string identity, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            // Once the router accepts the message it runs to the end whatever the token says, so wait on the task too.
            return await Bucket.InjectAsync(identity, text, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The apps did not finish with \"{identity} > {text}\" within {_timeout}: an app may be waiting on something that never happens (time only moves when the test advances it).",
                ex);
        }
    }

    /// <summary>Waits until the bucket backend has sent at least <paramref name="count"/> messages (one per recipient).</summary>
    /// <param name="count">How many sent messages to wait for, counting from the start or <see cref="ClearOutbox"/>.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The outbox at that point.</returns>
    public Task<IReadOnlyList<BucketMessage>> WaitForOutboxAsync(int count, CancellationToken cancellationToken = default) =>
        Bucket.WaitForSentAsync(count, cancellationToken);

    /// <summary>Forgets every message the bucket backend sent and received.</summary>
    public void ClearOutbox() => Bucket.Clear();

    /// <summary>
    /// Runs a conversation script. Each line is <c>identity &gt; text</c> (the phone sends text and the
    /// tester waits until the apps are done with it) or <c>identity &lt; text</c> (the next reply to that
    /// identity must be exactly text). Blank lines and lines starting with <c>#</c> are skipped; texts are
    /// trimmed.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <remarks>
    /// Every message the bucket sends while a <c>&gt;</c> line is processed counts as a reply, to any identity
    /// (so apps that send to others can be scripted). Replies to one identity are matched in the order they
    /// were sent; replies to different identities may be checked in any order. Each reply must be matched by
    /// a <c>&lt;</c> line before the script ends.
    /// </remarks>
    /// <example>
    /// <code>
    /// await tester.RunScriptAsync("""
    ///     # the service is up
    ///     +256700000001 > ping
    ///     +256700000001 &lt; pong
    ///     """);
    /// </code>
    /// </example>
    /// <exception cref="MessageTesterException">A reply differed, was missing or was not expected, or a line could not be read; the message names the line.</exception>
    public async Task RunScriptAsync(string script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var lines = MessageScript.Parse(script);
        var pending = new List<PendingReply>();
        foreach (var line in lines)
        {
            if (line.IsSend)
            {
                var before = Bucket.SentCount;
                await InjectAsync(line.Identity, line.Text, cancellationToken).ConfigureAwait(false);
                var sent = Bucket.Sent;
                var produced = (int)Math.Min(Bucket.SentCount - before, sent.Count);
                for (var i = sent.Count - produced; i < sent.Count; i++)
                {
                    pending.Add(new PendingReply(sent[i].Identity, sent[i].Text, line));
                }

                continue;
            }

            var expected = $"{line.Identity} < {line.Text}";
            var index = pending.FindIndex(p => string.Equals(p.Identity, line.Identity, StringComparison.Ordinal));
            if (index < 0)
            {
                throw Failure(
                    line.Number,
                    $"Script line {line.Number}: expected{Environment.NewLine}  {expected}{Environment.NewLine}but no reply to {line.Identity} is left.",
                    expected,
                    pending);
            }

            var reply = pending[index];
            if (!string.Equals(reply.Text, line.Text, StringComparison.Ordinal))
            {
                throw Failure(
                    line.Number,
                    $"Script line {line.Number}: expected{Environment.NewLine}  {expected}{Environment.NewLine}but got{Environment.NewLine}  {reply}{Environment.NewLine}(a reply to line {reply.Source.Number}: {reply.Source}).",
                    expected,
                    pending);
            }

            pending.RemoveAt(index);
        }

        if (pending.Count > 0)
        {
            var extra = pending[0];
            throw Failure(
                extra.Source.Number,
                $"Script line {extra.Source.Number} ({extra.Source}) got{Environment.NewLine}  {extra}{Environment.NewLine}but no line expects it: add \"{extra}\" to the script.",
                expected: null,
                pending);
        }
    }

    /// <summary>Stops the host (waiting up to <see cref="MessageTesterOptions.Timeout"/>) and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            await Host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await DisposeHostAsync(Host).ConfigureAwait(false);
        }
    }

    private static async ValueTask DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }

    private static MessageTesterException Failure(int lineNumber, string message, string? expected, List<PendingReply> pending)
    {
        var actual = pending.Select(p => p.ToString()).ToArray();
        var text = new StringBuilder(message).AppendLine().Append("Replies not matched yet:");
        if (actual.Length == 0)
        {
            text.Append(" none.");
        }

        foreach (var reply in actual)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {reply}");
        }

        return new MessageTesterException(text.ToString(), lineNumber, expected, actual);
    }

    private sealed record PendingReply(string Identity, string Text, MessageScript.ScriptLine Source)
    {
        public override string ToString() => $"{Identity} < {Text}";
    }
}
