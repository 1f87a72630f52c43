using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Irc;

namespace RapidSms;

/// <summary>Chooses the IRC engine for a backend.</summary>
public static class IrcBackendBuilderExtensions
{
    /// <summary>Uses the IRC backend with options set in code.</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="configure">Sets options; at least <see cref="IrcOptions.Server"/>.</param>
    /// <example><code>rapid.AddBackend("irc", b => b.UseIrc(o => { o.Server = "irc.example.org"; o.Channels.Add("#rapidsms"); }));</code></example>
    public static IBackendBuilder UseIrc(this IBackendBuilder builder, Action<IrcOptions> configure) =>
        builder.Use<IrcBackend, IrcOptions>(configure ?? throw new ArgumentNullException(nameof(configure)));

    /// <summary>Uses the IRC backend with options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The backend builder.</param>
    /// <param name="section">The section holding the options, such as <c>Server</c>, <c>Nick</c> and <c>Channels</c>.</param>
    public static IBackendBuilder UseIrc(this IBackendBuilder builder, IConfiguration section) =>
        builder.Use<IrcBackend, IrcOptions>(section);
}
