using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Http;

namespace RapidSms;

/// <summary>Chooses the generic HTTP gateway engine for a backend.</summary>
public static class HttpBackendBuilderExtensions
{
    /// <summary>Uses the HTTP gateway backend with options set in code, and registers <see cref="IHttpClientFactory"/>.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; <see langword="null"/> keeps the defaults.</param>
    /// <example>
    /// <code>
    /// rapid.AddBackend("gateway", b => b.UseHttp(o =>
    /// {
    ///     o.SendSmsUrl = "https://sms.example.com/send";
    ///     o.SendSmsParams["to"] = "{identity}";
    ///     o.SendSmsParams["text"] = "{text}";
    /// }));
    /// </code>
    /// </example>
    public static IBackendBuilder UseHttp(this IBackendBuilder builder, Action<HttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(HttpBackend.HttpClientName);
        return builder.Use<HttpBackend, HttpOptions>(configure);
    }

    /// <summary>Uses the HTTP gateway backend with options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options.</param>
    public static IBackendBuilder UseHttp(this IBackendBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(HttpBackend.HttpClientName);
        return builder.Use<HttpBackend, HttpOptions>(section);
    }
}
