namespace RapidSms;

/// <summary>
/// The app that runs the registered <see cref="IMessageHandler"/>s in the handle phase, in
/// registration order; the first that takes a message ends the phase. Added by <c>AddHandler&lt;T&gt;()</c>.
/// </summary>
public sealed class HandlersApp : AppBase
{
    private readonly IMessageHandler[] _handlers;

    /// <summary>Creates the app over the registered handlers.</summary>
    /// <param name="handlers">The handlers, in registration order.</param>
    public HandlersApp(IEnumerable<IMessageHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers = handlers.ToArray();
    }

    /// <summary>The handlers, in the order they are tried.</summary>
    public IReadOnlyList<IMessageHandler> Handlers => _handlers;

    /// <inheritdoc />
    public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            if (await handler.TryHandleAsync(message, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }
}
