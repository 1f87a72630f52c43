using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Smpp;

namespace RapidSms;

/// <summary>Chooses the SMPP engine for a backend.</summary>
public static class SmppBackendBuilderExtensions
{
    /// <summary>Uses the SMPP 3.4 backend, with options set in code.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options (at least <see cref="SmppOptions.Host"/> and <see cref="SmppOptions.SystemId"/>).</param>
    /// <example><code>rapid.AddBackend("smsc", b => b.UseSmpp(o => { o.Host = "smsc.example.com"; o.SystemId = "rapidsms"; o.Password = "secret"; }));</code></example>
    public static IBackendBuilder UseSmpp(this IBackendBuilder builder, Action<SmppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use<SmppBackend, SmppOptions>(configure);
    }

    /// <summary>Uses the SMPP 3.4 backend, with options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options.</param>
    public static IBackendBuilder UseSmpp(this IBackendBuilder builder, IConfiguration section) =>
        builder.Use<SmppBackend, SmppOptions>(section);
}
