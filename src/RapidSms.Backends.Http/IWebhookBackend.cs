using Microsoft.AspNetCore.Http;

namespace RapidSms.Backends.Http;

/// <summary>
/// A backend that receives messages as HTTP requests: the generic HTTP backend, Kannel's get-url and delivery
/// reports, or a backend of your own. <c>MapRapidSmsHttp</c> and <see cref="WebhookListener"/> route requests to it.
/// </summary>
public interface IWebhookBackend
{
    /// <summary>
    /// Handles one request and writes the response: 200 only once the router has the message, 4xx for bad input,
    /// 503 while the router is shutting down (the gateway should try again).
    /// </summary>
    /// <param name="context">The request's context; <see cref="HttpContext.RequestAborted"/> cancels waiting.</param>
    Task HandleWebhookAsync(HttpContext context);
}
