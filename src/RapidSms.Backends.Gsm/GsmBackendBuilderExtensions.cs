using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Gsm;

namespace RapidSms;

/// <summary>Chooses the GSM modem engine for a backend.</summary>
public static class GsmBackendBuilderExtensions
{
    /// <summary>Uses a GSM modem over AT commands (serial device or TCP).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; <see cref="GsmOptions.Port"/> at least.</param>
    /// <example><code>rapid.AddBackend("Zain", b => b.UseGsm(o => o.Port = "/dev/ttyUSB1"));</code></example>
    public static IBackendBuilder UseGsm(this IBackendBuilder builder, Action<GsmOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use<GsmBackend, GsmOptions>(configure);
    }

    /// <summary>Uses a GSM modem with options bound from configuration (unknown keys are errors).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The options section, such as <c>{ "Port": "/dev/ttyUSB1", "Pin": "1234" }</c>.</param>
    public static IBackendBuilder UseGsm(this IBackendBuilder builder, IConfiguration section) =>
        builder.Use<GsmBackend, GsmOptions>(section);
}
