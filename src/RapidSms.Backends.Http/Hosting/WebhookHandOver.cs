using Microsoft.AspNetCore.Http;

namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// Hands what a webhook request carries to the router and, when that fails, answers so the gateway sends it again:
/// 503 with <c>Retry-After</c> while the router shuts down, nothing when the gateway hung up, 500 otherwise.
/// </summary>
internal static class WebhookHandOver
{
    /// <summary>Runs <paramref name="handOver"/>; on failure sets the status the gateway gets and reports why.</summary>
    /// <param name="context">The request; <see cref="HttpContext.RequestAborted"/> is passed to <paramref name="handOver"/>.</param>
    /// <param name="handOver">Gives the message or report to the router; completes once the router took it.</param>
    /// <param name="routerClosed">Logs that the router is shutting down.</param>
    /// <param name="failed">Logs any other failure.</param>
    /// <returns><see langword="true"/> when the router took it and the caller should answer 200.</returns>
    public static async ValueTask<bool> TryAsync(HttpContext context, Func<CancellationToken, Task> handOver, Action routerClosed, Action<Exception> failed)
    {
        try
        {
            await handOver(context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (RouterClosedException)
        {
            routerClosed();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The gateway hung up before the router took it: it did not get a 200, so it sends it again.
        }
        catch (Exception ex)
        {
            failed(ex);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }

        return false;
    }
}
