using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Bucket;

namespace RapidSms.Testing;

/// <summary>How <see cref="MessageTester.StartAsync"/> builds its host.</summary>
public sealed class MessageTesterOptions
{
    /// <summary>
    /// The clock the host uses. Defaults to a new <see cref="ManualTimeProvider"/> at
    /// <see cref="ManualTimeProvider.DefaultStartTime"/>: time stands still until the test moves it.
    /// </summary>
    public ManualTimeProvider? TimeProvider { get; set; }

    /// <summary>The lowest level of log entries recorded in <see cref="MessageTester.Logs"/>. Defaults to <see cref="LogLevel.Trace"/>.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Trace;

    /// <summary>Sets options of the <see cref="MessageTester.BackendName"/> bucket backend, such as identities to fail. Defaults to none.</summary>
    public Action<BucketOptions>? ConfigureBucket { get; set; }

    /// <summary>Registers more services (what the apps under test depend on), after RapidSms's own. Defaults to none.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Changes the host builder itself (configuration sources, logging), last of all. Defaults to none.</summary>
    public Action<HostApplicationBuilder>? ConfigureHost { get; set; }

    /// <summary>
    /// How long, in real time, starting, stopping and each message may take before the tester gives up
    /// with a <see cref="TimeoutException"/>, so a stuck app fails a test instead of hanging it. Defaults to 30 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
