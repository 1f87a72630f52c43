namespace RapidSms;

/// <summary>
/// Names a backend class as an engine that configuration can refer to, as in
/// <c>"Engine": "gsm"</c>. Engine names compare case-insensitively; <c>rapidsms.backends.NAME</c>
/// is always accepted as an alias of <c>NAME</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BackendEngineAttribute : Attribute
{
    /// <summary>Names the engine.</summary>
    /// <param name="name">The short engine name, such as <c>"gsm"</c>.</param>
    public BackendEngineAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The short engine name.</summary>
    public string Name { get; }

    /// <summary>Other names that mean this engine.</summary>
#pragma warning disable CA1819 // Attribute arguments can only be arrays.
    public string[] Aliases { get; init; } = [];
#pragma warning restore CA1819
}
