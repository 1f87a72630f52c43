using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace RapidSms;

/// <summary>Registers RapidSms in a service collection.</summary>
public static class RapidSmsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the router, the hosted service that runs the backends, and whatever
    /// <paramref name="configure"/> registers. Calling it more than once is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds apps and backends.</param>
    /// <returns>The service collection.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddRapidSms(rapid => rapid
    ///     .AddApp&lt;EchoApp&gt;()
    ///     .AddBackend("message_tester", b => b.UseBucket())
    ///     .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
    /// </code>
    /// </example>
    public static IServiceCollection AddRapidSms(this IServiceCollection services, Action<IRapidSmsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var first = !services.Any(d => d.ServiceType == typeof(RapidSmsMarker));
        if (first)
        {
            services.AddSingleton(new RapidSmsMarker());
            services.AddOptions<RapidSmsOptions>().ValidateDataAnnotations();
            services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<RapidSmsHostedService>());
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessageRouter>();
        services.TryAddSingleton<IRouter>(sp => sp.GetRequiredService<MessageRouter>());
        services.TryAddSingleton<RapidSmsHostedService>();
        configure?.Invoke(new RapidSmsBuilder(services));
        return services;
    }
}

internal sealed class RapidSmsMarker;
