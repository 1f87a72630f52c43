using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RapidSms;

/// <summary>Adds apps, backends and settings to RapidSms.</summary>
public static class RapidSmsBuilderExtensions
{
    /// <summary>
    /// Adds an app. Apps run in the order they are added (the outgoing phase in reverse order).
    /// Adding the same app type twice adds it once.
    /// </summary>
    /// <typeparam name="TApp">The app; its constructor may take any registered service.</typeparam>
    /// <param name="builder">The RapidSms builder.</param>
    public static IRapidSmsBuilder AddApp<TApp>(this IRapidSmsBuilder builder)
        where TApp : class, IApp
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOnce<IApp, TApp>(builder.Services);
        return builder;
    }

    /// <summary>Adds an app instance. Apps run in the order they are added.</summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="app">The app.</param>
    public static IRapidSmsBuilder AddApp(this IRapidSmsBuilder builder, IApp app)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(app);
        builder.Services.AddSingleton(app);
        return builder;
    }

    /// <summary>Adds an observer of delivery reports (apps that implement <see cref="IDeliveryReportObserver"/> are called without this).</summary>
    /// <typeparam name="TObserver">The observer.</typeparam>
    /// <param name="builder">The RapidSms builder.</param>
    public static IRapidSmsBuilder AddDeliveryReportObserver<TObserver>(this IRapidSmsBuilder builder)
        where TObserver : class, IDeliveryReportObserver
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOnce<IDeliveryReportObserver, TObserver>(builder.Services);
        return builder;
    }

    /// <summary>Sets router options: concurrency, capacity, retries, restart back-off.</summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="configure">Changes the options.</param>
    public static IRapidSmsBuilder ConfigureRouter(this IRapidSmsBuilder builder, Action<RapidSmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Binds router options from configuration, such as a <c>RapidSms:Router</c> section (unknown keys are an error).</summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="section">The section holding <see cref="RapidSmsOptions"/> keys.</param>
    public static IRapidSmsBuilder ConfigureRouter(this IRapidSmsBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<RapidSmsOptions>().Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    /// <summary>
    /// Adds a backend under a unique name and chooses its engine.
    /// </summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="name">The backend's name; connections refer to it, such as <c>"Zain"</c>.</param>
    /// <param name="configure">Chooses the engine: <c>b => b.UseBucket()</c>, <c>b => b.Use&lt;MyBackend, MyOptions&gt;(o => …)</c>.</param>
    /// <exception cref="InvalidOperationException">The name is taken, or <paramref name="configure"/> chose no engine.</exception>
    public static IRapidSmsBuilder AddBackend(this IRapidSmsBuilder builder, string name, Action<IBackendBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);

        EnsureNameFree(builder.Services, name);
        configure(new BackendBuilder(builder.Services, name));
        if (FindRegistration(builder.Services, name) is null)
        {
            throw new InvalidOperationException(
                $"Backend '{name}' was added without an engine: inside AddBackend(\"{name}\", b => ...) call b.Use<TBackend>() or an engine's extension such as b.UseBucket().");
        }

        return builder;
    }

    /// <summary>
    /// Adds the backends described in configuration, RapidSMS's <c>INSTALLED_BACKENDS</c> in JSON: each
    /// child is a backend name mapping to an object whose <c>Engine</c> key names the engine and whose other
    /// keys are the engine's options.
    /// </summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="section">A section such as <c>RapidSms:Backends</c>.</param>
    /// <exception cref="BackendConfigurationException">An engine is unknown, or an option is unknown or of the wrong kind.</exception>
    /// <example>
    /// <code>
    /// "RapidSms": { "Backends": {
    ///   "Zain":           { "Engine": "gsm", "Port": "/dev/ttyUSB1" },
    ///   "message_tester": { "Engine": "bucket" } } }
    /// </code>
    /// </example>
    public static IRapidSmsBuilder AddBackends(this IRapidSmsBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        foreach (var child in section.GetChildren())
        {
            var name = child.Key;
            var engine = child.Value ?? child[BackendOptionsBinder.EngineKey];
            if (string.IsNullOrWhiteSpace(engine))
            {
                throw new BackendConfigurationException(
                    name,
                    BackendOptionsBinder.EngineKey,
                    $"Backend '{name}' has no '{BackendOptionsBinder.EngineKey}' key: set it to an engine such as {string.Join(", ", EngineCatalog.BuiltIn.Keys.Order(StringComparer.Ordinal).Select(k => $"\"{k}\""))}.");
            }

            EnsureNameFree(builder.Services, name);
            var backendType = EngineCatalog.Resolve(builder.Services, name, engine);
            var optionsType = BackendBuilderExtensions.OptionsTypeOf(backendType);
            var configuration = BackendOptionsBinder.Prepare(name, engine, child, optionsType);
            BackendBuilderExtensions.Register(new BackendBuilder(builder.Services, name), backendType, optionsType, engine, configuration);
        }

        return builder;
    }

    /// <summary>
    /// Registers an engine name for a backend class so configuration can use it (<c>"Engine": "mine"</c>).
    /// Classes marked with <see cref="BackendEngineAttribute"/> need no registration. Call it before
    /// <see cref="AddBackends"/>.
    /// </summary>
    /// <typeparam name="TBackend">The backend class.</typeparam>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="name">The engine name.</param>
    /// <param name="aliases">Other names for it.</param>
    public static IRapidSmsBuilder AddEngine<TBackend>(this IRapidSmsBuilder builder, string name, params string[] aliases)
        where TBackend : BackendBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddSingleton(new EngineDescriptor(name, typeof(TBackend), aliases ?? []));
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TImplementation"/> once, as itself (so code can resolve the very
    /// instance the router uses) and as <typeparamref name="TService"/>.
    /// </summary>
    internal static void AddOnce<TService, TImplementation>(IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
    {
        if (services.Any(d => d.ServiceType == typeof(Registered<TService, TImplementation>)))
        {
            return;
        }

        services.AddSingleton(new Registered<TService, TImplementation>());
        services.TryAddSingleton<TImplementation>();
        services.AddSingleton<TService>(static sp => sp.GetRequiredService<TImplementation>());
    }

    internal static BackendRegistration? FindRegistration(IServiceCollection services, string name) =>
        services.Where(d => d.ServiceType == typeof(BackendRegistration))
            .Select(d => d.ImplementationInstance as BackendRegistration)
            .FirstOrDefault(r => r is not null && string.Equals(r.Name, name, StringComparison.Ordinal));

    private static void EnsureNameFree(IServiceCollection services, string name)
    {
        if (FindRegistration(services, name) is { } existing)
        {
            throw new InvalidOperationException(
                $"A backend named '{name}' is already registered (engine '{existing.Engine}'). Backend names must be unique: rename one of them, or remove the duplicate from code or configuration.");
        }
    }
}

/// <summary>Marks that an implementation was registered for a service through RapidSms, so it is added once.</summary>
internal sealed class Registered<TService, TImplementation>;
