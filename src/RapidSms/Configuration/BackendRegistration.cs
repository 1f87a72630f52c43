namespace RapidSms;

/// <summary>How one named backend is built: its type and, when it has options, how to read them.</summary>
internal sealed class BackendRegistration
{
    public BackendRegistration(string name, Type backendType, Type? optionsType, string engine, Func<IServiceProvider, object>? resolveOptions)
    {
        Name = name;
        BackendType = backendType;
        OptionsType = optionsType;
        Engine = engine;
        ResolveOptions = resolveOptions;
    }

    public string Name { get; }

    public Type BackendType { get; }

    public Type? OptionsType { get; }

    /// <summary>The engine as the user named it (<c>gsm</c>, a type name), for error messages.</summary>
    public string Engine { get; }

    public Func<IServiceProvider, object>? ResolveOptions { get; }
}
