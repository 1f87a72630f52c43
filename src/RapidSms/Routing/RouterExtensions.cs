namespace RapidSms;

/// <summary>Conveniences over <see cref="IRouter"/>.</summary>
public static class RouterExtensions
{
    /// <summary>Finds a backend by name, or throws a clear error naming the registered ones.</summary>
    /// <param name="router">The router.</param>
    /// <param name="name">The backend's registered name.</param>
    /// <exception cref="BackendNotFoundException">No backend has that name.</exception>
    public static BackendBase GetBackend(this IRouter router, string name)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(name);
        return router.TryGetBackend(name, out var backend)
            ? backend
            : throw new BackendNotFoundException(name, router.Backends.Select(b => b.Name));
    }

    /// <summary>Finds a backend by name and type.</summary>
    /// <typeparam name="TBackend">The backend's type.</typeparam>
    /// <param name="router">The router.</param>
    /// <param name="name">The backend's registered name.</param>
    /// <exception cref="BackendNotFoundException">No backend has that name.</exception>
    /// <exception cref="InvalidCastException">The backend is of another type.</exception>
    public static TBackend GetBackend<TBackend>(this IRouter router, string name)
        where TBackend : BackendBase
    {
        var backend = router.GetBackend(name);
        return backend as TBackend ?? throw new InvalidCastException(
            $"Backend '{name}' is a {backend.GetType().FullName}, not a {typeof(TBackend).FullName}.");
    }

    /// <summary>Sends a new message (not a reply) to one connection.</summary>
    /// <param name="router">The router.</param>
    /// <param name="text">The text.</param>
    /// <param name="connection">The recipient.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static ValueTask<SendResult> SendAsync(this IRouter router, string text, Connection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(router);
        return router.SendOutgoingAsync(new OutgoingMessage(connection, text), cancellationToken);
    }

    /// <summary>Sends a new message (not a reply) to several connections, on any backends.</summary>
    /// <param name="router">The router.</param>
    /// <param name="text">The text.</param>
    /// <param name="connections">The recipients.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static ValueTask<SendResult> SendAsync(this IRouter router, string text, IReadOnlyList<Connection> connections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(router);
        return router.SendOutgoingAsync(new OutgoingMessage(connections, text), cancellationToken);
    }
}
