namespace RapidSms;

/// <summary>
/// The class apps derive from. Every phase does nothing by default: override the ones you need.
/// </summary>
/// <example>
/// <code>
/// public sealed class HelloApp : AppBase
/// {
///     public override ValueTask&lt;bool&gt; HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
///     {
///         message.Respond("hello world");
///         return Handled;
///     }
/// }
/// </code>
/// </example>
public abstract class AppBase : IApp
{
    /// <summary>A completed <c>true</c>, for phases that return <see cref="ValueTask{Boolean}"/>.</summary>
    protected static ValueTask<bool> Handled => new(true);

    /// <summary>A completed <c>false</c>, for phases that return <see cref="ValueTask{Boolean}"/>.</summary>
    protected static ValueTask<bool> NotHandled => new(false);

    /// <inheritdoc />
    public virtual string Name => GetType().Name;

    /// <inheritdoc />
    public virtual ValueTask<bool> FilterAsync(IncomingMessage message, CancellationToken cancellationToken) => NotHandled;

    /// <inheritdoc />
    public virtual ValueTask ParseAsync(IncomingMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken) => NotHandled;

    /// <inheritdoc />
    public virtual ValueTask<bool> DefaultAsync(IncomingMessage message, CancellationToken cancellationToken) => NotHandled;

    /// <inheritdoc />
    public virtual ValueTask CleanupAsync(IncomingMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask<bool> OutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken) => new(true);

    /// <inheritdoc />
    public override string ToString() => Name;
}
