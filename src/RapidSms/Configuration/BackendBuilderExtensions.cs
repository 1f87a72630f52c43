using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RapidSms;

/// <summary>Chooses the engine of a backend. Engine packages add their own <c>Use…</c> methods.</summary>
public static class BackendBuilderExtensions
{
    /// <summary>Uses a backend class that takes no options.</summary>
    /// <typeparam name="TBackend">The backend class; its constructor may take any registered service.</typeparam>
    /// <param name="builder">The backend builder.</param>
    public static IBackendBuilder Use<TBackend>(this IBackendBuilder builder)
        where TBackend : BackendBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder, typeof(TBackend), OptionsTypeOf(typeof(TBackend)), typeof(TBackend).Name, configuration: null);
        return builder;
    }

    /// <summary>Uses a backend class with options set in code. Options are named after the backend and validated at start-up.</summary>
    /// <typeparam name="TBackend">The backend class.</typeparam>
    /// <typeparam name="TOptions">Its options class.</typeparam>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; <see langword="null"/> keeps the defaults.</param>
    public static IBackendBuilder Use<TBackend, TOptions>(this IBackendBuilder builder, Action<TOptions>? configure = null)
        where TBackend : BackendBase<TOptions>
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        UseCore<TBackend, TOptions>(builder, typeof(TBackend).Name, o =>
        {
            if (configure is not null)
            {
                o.Configure(configure);
            }
        });
        return builder;
    }

    /// <summary>Uses a backend class with options bound from a configuration section (unknown keys are an error).</summary>
    /// <typeparam name="TBackend">The backend class.</typeparam>
    /// <typeparam name="TOptions">Its options class.</typeparam>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options.</param>
    public static IBackendBuilder Use<TBackend, TOptions>(this IBackendBuilder builder, IConfiguration section)
        where TBackend : BackendBase<TOptions>
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var prepared = section is IConfigurationSection s
            ? BackendOptionsBinder.Prepare(builder.Name, typeof(TBackend).Name, s, typeof(TOptions))
            : section;
        UseCore<TBackend, TOptions>(builder, typeof(TBackend).Name, o => o.Bind(prepared, b => b.ErrorOnUnknownConfiguration = true));
        return builder;
    }

    internal static Type? OptionsTypeOf(Type backendType)
    {
        for (var type = backendType; type is not null && type != typeof(object); type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(BackendBase<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    internal static void Register(IBackendBuilder builder, Type backendType, Type? optionsType, string engine, IConfiguration? configuration)
    {
        if (optionsType is null)
        {
            EnsureSingleEngine(builder);
            builder.Services.AddSingleton(new BackendRegistration(builder.Name, backendType, null, engine, null));
            return;
        }

        var method = typeof(BackendBuilderExtensions).GetMethod(nameof(RegisterBound), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(backendType, optionsType);
        method.Invoke(null, [builder, engine, configuration]);
    }

    private static void RegisterBound<TBackend, TOptions>(IBackendBuilder builder, string engine, IConfiguration? configuration)
        where TBackend : BackendBase<TOptions>
        where TOptions : class
    {
        UseCore<TBackend, TOptions>(builder, engine, o =>
        {
            if (configuration is not null)
            {
                o.Bind(configuration, b => b.ErrorOnUnknownConfiguration = true);
            }
        });
    }

    private static void UseCore<TBackend, TOptions>(IBackendBuilder builder, string engine, Action<OptionsBuilder<TOptions>> configure)
        where TBackend : BackendBase<TOptions>
        where TOptions : class
    {
        EnsureSingleEngine(builder);
        var name = builder.Name;
        var options = builder.Services.AddOptions<TOptions>(name);
        configure(options);
        options.ValidateDataAnnotations();
        builder.Services.AddSingleton(new BackendRegistration(
            name,
            typeof(TBackend),
            typeof(TOptions),
            engine,
            sp => sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name)));
    }

    private static void EnsureSingleEngine(IBackendBuilder builder)
    {
        if (RapidSmsBuilderExtensions.FindRegistration(builder.Services, builder.Name) is { } existing)
        {
            throw new InvalidOperationException(
                $"Backend '{builder.Name}' already uses engine '{existing.Engine}'; a backend has exactly one engine. Call Use… once per AddBackend.");
        }
    }
}
