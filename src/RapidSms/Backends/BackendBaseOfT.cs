namespace RapidSms;

/// <summary>A backend with an options class, bound per backend name from code or configuration.</summary>
/// <typeparam name="TOptions">The options class, with documented defaults.</typeparam>
public abstract class BackendBase<TOptions> : BackendBase, IConfigurableBackend
    where TOptions : class
{
    private TOptions? _options;

    /// <summary>The backend's options, as configured and validated.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Configure"/> has not been called.</exception>
    protected TOptions Options => _options ?? throw new InvalidOperationException(
        $"{GetType().Name} has no options yet: the host calls Configure before StartAsync.");

    Type IConfigurableBackend.OptionsType => typeof(TOptions);

    /// <summary>Gives the backend its options. The host does this once, before <see cref="BackendBase.StartAsync"/>.</summary>
    /// <param name="options">The validated options.</param>
    public void Configure(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        OnConfigure(options);
    }

    void IConfigurableBackend.Configure(object options) => Configure((TOptions)options);

    /// <summary>Called by <see cref="Configure"/> after <see cref="Options"/> is set: derive settings, check combinations.</summary>
    /// <param name="options">The options.</param>
    protected virtual void OnConfigure(TOptions options)
    {
    }
}

internal interface IConfigurableBackend
{
    Type OptionsType { get; }

    void Configure(object options);
}
