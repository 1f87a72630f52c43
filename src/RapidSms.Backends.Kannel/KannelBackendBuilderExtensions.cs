using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Kannel;

namespace RapidSms;

/// <summary>Chooses the Kannel engine for a backend.</summary>
public static class KannelBackendBuilderExtensions
{
    /// <summary>Uses the Kannel backend with options set in code, and registers <see cref="IHttpClientFactory"/>.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; <see langword="null"/> keeps the defaults.</param>
    /// <example>
    /// <code>
    /// rapid.AddBackend("kannel-usb0-smsc", b => b.UseKannel(o =>
    /// {
    ///     o.SendSmsUrl = "http://127.0.0.1:13013/cgi-bin/sendsms";
    ///     o.Username = "rapidsms";
    ///     o.Password = "CHANGE-ME";
    ///     o.From = "+256700000000";
    ///     o.ListenUrl = "http://127.0.0.1:8081";
    /// }));
    /// </code>
    /// </example>
    public static IBackendBuilder UseKannel(this IBackendBuilder builder, Action<KannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(KannelBackend.HttpClientName);
        return builder.Use<KannelBackend, KannelOptions>(configure);
    }

    /// <summary>Uses the Kannel backend with options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options.</param>
    public static IBackendBuilder UseKannel(this IBackendBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(KannelBackend.HttpClientName);
        return builder.Use<KannelBackend, KannelOptions>(section);
    }
}
