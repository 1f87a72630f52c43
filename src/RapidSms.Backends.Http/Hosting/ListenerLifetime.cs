using Microsoft.Extensions.Hosting;

namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// The lifetime of a self-hosted listener: none of its own. The application's host handles Ctrl+C and SIGTERM
/// and stops the backend, which stops the listener; the listener must not react to them itself.
/// </summary>
internal sealed class ListenerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
