using System.Net;
using Microsoft.AspNetCore.Http;
using RapidSms.Backends.Http;
using RapidSms.Backends.Http.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace RapidSms.Backends.Http.Tests;

/// <summary>Starting and stopping a backend's self-hosted listener when the host does both at once.</summary>
public sealed class ListenerSlotTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Stop_WhileAStartIsStillBinding_WaitsForItAndStopsWhatItStarted()
    {
        using var slot = new ListenerSlot();
        var binding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WebhookListener? started = null;
        var start = slot.StartAsync(async token =>
        {
            await binding.Task.WaitAsync(token);
            return started = await WebhookListener.StartAsync(new Uri("http://127.0.0.1:0"), "/", new Ok(), cancellationToken: token);
        }, _timeout.Token);

        var stop = slot.StopAsync(_timeout.Token);
        stop.IsCompleted.Should().BeFalse("the stop waits for the start in progress instead of finding no listener");
        binding.SetResult();
        await start.WaitAsync(_timeout.Token);
        await stop.WaitAsync(_timeout.Token);

        slot.Address.Should().BeNull();
        using var client = new HttpClient();
        var call = async () => await client.GetAsync(started!.Address, _timeout.Token);
        await call.Should().ThrowAsync<HttpRequestException>("the listener the start bound was stopped, not left running");
    }

    [Fact]
    public async Task SecondStart_WhileRunning_BindsNothing()
    {
        using var slot = new ListenerSlot();
        var starts = 0;
        Task<WebhookListener> Start(CancellationToken token)
        {
            Interlocked.Increment(ref starts);
            return WebhookListener.StartAsync(new Uri("http://127.0.0.1:0"), "/", new Ok(), cancellationToken: token);
        }

        var results = await Task.WhenAll(slot.StartAsync(Start, _timeout.Token), slot.StartAsync(Start, _timeout.Token));

        starts.Should().Be(1);
        results.Count(r => r is not null).Should().Be(1);
        using var client = new HttpClient();
        (await client.GetAsync(slot.Address, _timeout.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        await slot.StopAsync(_timeout.Token);
        slot.Address.Should().BeNull();
    }

    [Fact]
    public async Task Backend_StoppedAndDisposedTwice_DoesNotThrow()
    {
        var router = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddRapidSms(rapid => rapid.AddBackend("twice", b => b.UseHttp(o => o.ListenUrl = "http://127.0.0.1:0")))
            .BuildServiceProvider();
        await using (router.ConfigureAwait(false))
        {
            var started = router.GetRequiredService<IRouter>().GetBackend<HttpBackend>("twice");
            await started.StartAsync(_timeout.Token);

            await started.StopAsync(_timeout.Token);
            await started.DisposeAsync();
            var again = async () =>
            {
                await started.StopAsync(_timeout.Token);
                await started.DisposeAsync();
            };

            await again.Should().NotThrowAsync();
            started.ListenAddress.Should().BeNull();
        }
    }

    private sealed class Ok : IWebhookBackend
    {
        public Task HandleWebhookAsync(HttpContext context) => Task.CompletedTask;
    }
}
