using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RapidSms;

internal static class BackendFactory
{
    public static BackendBase Create(IServiceProvider services, BackendRegistration registration, IRouter router, ILoggerFactory? loggerFactory, TimeProvider timeProvider)
    {
        object? options = null;
        if (registration.ResolveOptions is not null)
        {
            try
            {
                options = registration.ResolveOptions(services);
            }
            catch (OptionsValidationException ex)
            {
                throw new BackendConfigurationException(
                    registration.Name,
                    key: null,
                    $"Backend '{registration.Name}' (engine '{registration.Engine}') has invalid options: {string.Join(" ", ex.Failures)}",
                    ex);
            }
            catch (InvalidOperationException ex)
            {
                throw new BackendConfigurationException(
                    registration.Name,
                    key: null,
                    $"Backend '{registration.Name}' (engine '{registration.Engine}'): its options could not be read: {ex.Message}",
                    ex);
            }
        }

        BackendBase backend;
        try
        {
            backend = (BackendBase)ActivatorUtilities.CreateInstance(services, registration.BackendType);
        }
        catch (InvalidOperationException ex)
        {
            throw new BackendConfigurationException(
                registration.Name,
                key: null,
                $"Backend '{registration.Name}' (engine '{registration.Engine}'): could not create {registration.BackendType.FullName}: {ex.Message}",
                ex);
        }

        backend.Initialize(registration.Name, router, loggerFactory, timeProvider);
        if (options is not null)
        {
            if (backend is not IConfigurableBackend configurable || !configurable.OptionsType.IsInstanceOfType(options))
            {
                throw new BackendConfigurationException(
                    registration.Name,
                    key: null,
                    $"Backend '{registration.Name}': {registration.BackendType.FullName} does not derive from BackendBase<{registration.OptionsType?.Name}>.");
            }

            try
            {
                configurable.Configure(options);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                throw new BackendConfigurationException(
                    registration.Name,
                    (ex as ArgumentException)?.ParamName,
                    $"Backend '{registration.Name}' (engine '{registration.Engine}') rejected its options: {ex.Message}",
                    ex);
            }
        }

        return backend;
    }
}
