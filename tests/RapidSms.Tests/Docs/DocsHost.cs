using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RapidSms.Tests.Docs;

/// <summary>A started generic host with RapidSms registered the way the docs show.</summary>
internal sealed class DocsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DocsHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IRouter Router => _host.Services.GetRequiredService<IRouter>();

    /// <summary>Builds and starts a host without default sources, so nothing on the machine leaks in.</summary>
    public static async Task<DocsHost> StartAsync(Action<HostApplicationBuilder> configure, string? json = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (json is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        }

        configure(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await ((IAsyncDisposable)host).DisposeAsync();
            throw;
        }

        return new DocsHost(host);
    }

    public static Task<DocsHost> StartAsync(Action<IRapidSmsBuilder, IConfiguration> configure, string? json = null) =>
        StartAsync(builder => builder.Services.AddRapidSms(rapid => configure(rapid, builder.Configuration)), json);

    public static Task<DocsHost> StartAsync(Action<IRapidSmsBuilder> configure) => StartAsync((rapid, _) => configure(rapid));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
