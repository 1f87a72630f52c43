using Microsoft.Extensions.DependencyInjection;

namespace RapidSms;

/// <summary>Configures RapidSms: apps, backends, router options. Returned by <c>AddRapidSms</c>.</summary>
public interface IRapidSmsBuilder
{
    /// <summary>The service collection RapidSms is registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Configures one named backend; engine packages add <c>Use…</c> extensions to it.</summary>
public interface IBackendBuilder
{
    /// <summary>The service collection RapidSms is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>The backend's name, such as <c>"Zain"</c>; it names its options too.</summary>
    string Name { get; }
}

internal sealed class RapidSmsBuilder(IServiceCollection services) : IRapidSmsBuilder
{
    public IServiceCollection Services { get; } = services;
}

internal sealed class BackendBuilder(IServiceCollection services, string name) : IBackendBuilder
{
    public IServiceCollection Services { get; } = services;

    public string Name { get; } = name;
}
