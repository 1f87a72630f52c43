using Microsoft.Extensions.DependencyInjection;

namespace RapidSms.Tests.Infrastructure;

/// <summary>A router built the real way (AddRapidSms) over test backends, without a host.</summary>
public sealed class RouterFixture : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private RouterFixture(ServiceProvider provider, List<string> journal)
    {
        _provider = provider;
        Journal = journal;
        Router = provider.GetRequiredService<IRouter>();
    }

    public IRouter Router { get; }

    public IServiceProvider Services => _provider;

    /// <summary>What the apps recorded, in order.</summary>
    public List<string> Journal { get; }

    public static RouterFixture Create(Action<IRapidSmsBuilder> configure, Action<IServiceCollection>? services = null, List<string>? journal = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddRapidSms(configure);
        return new RouterFixture(collection.BuildServiceProvider(), journal ?? []);
    }

    /// <summary>A router with test backends "a" and "b" and the given apps.</summary>
    public static RouterFixture WithApps(Func<List<string>, IEnumerable<IApp>> apps, Action<RapidSmsOptions>? options = null)
    {
        var journal = new List<string>();
        return Create(rapid =>
        {
            foreach (var app in apps(journal))
            {
                rapid.AddApp(app);
            }

            rapid.AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>())
                .AddBackend("b", b => b.Use<TestBackend, TestBackendOptions>())
                .ConfigureRouter(o =>
                {
                    o.SendRetryDelay = TimeSpan.Zero;
                    options?.Invoke(o);
                });
        }, journal: journal);
    }

    public TestBackend Backend(string name) => Router.GetBackend<TestBackend>(name);

    public ValueTask<IncomingMessage> ReceiveAsync(string text, string identity = "+256700000001", string backend = "a") =>
        Backend(backend).InjectAsync(identity, text);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
