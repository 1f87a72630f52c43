namespace RapidSms;

/// <summary>A message named a backend that is not registered.</summary>
public sealed class BackendNotFoundException : BackendException
{
    /// <summary>Creates an exception for an unknown backend name.</summary>
    /// <param name="backend">The name that was asked for.</param>
    /// <param name="registered">The names that are registered.</param>
    public BackendNotFoundException(string backend, IEnumerable<string> registered)
        : base(backend, Describe(backend, registered), isTransient: false)
    {
    }

    private static string Describe(string backend, IEnumerable<string> registered)
    {
        var names = registered.Order(StringComparer.Ordinal).ToArray();
        return names.Length == 0
            ? $"No backend named '{backend}' is registered, and no backends are registered at all. Add one with AddBackend(\"{backend}\", b => ...) or in configuration."
            : $"No backend named '{backend}' is registered. Registered backends: {string.Join(", ", names.Select(n => $"'{n}'"))}.";
    }
}
