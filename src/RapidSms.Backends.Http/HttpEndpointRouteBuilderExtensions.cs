using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Http;

namespace RapidSms;

/// <summary>Maps the webhook of an HTTP-receiving backend (the HTTP gateway, Kannel) into an ASP.NET Core application.</summary>
public static class HttpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Answers GET and POST requests on <paramref name="pattern"/> with the backend named <paramref name="backend"/>,
    /// which must implement <see cref="IWebhookBackend"/> (the <c>http</c> and <c>kannel</c> engines do).
    /// </summary>
    /// <param name="endpoints">The application, or a route group.</param>
    /// <param name="pattern">The route pattern, such as <c>/sms/incoming</c>.</param>
    /// <param name="backend">The backend's registered name.</param>
    /// <returns>A builder to add conventions (authorization, rate limiting) to the endpoint.</returns>
    /// <example>
    /// <code>
    /// var app = builder.Build();
    /// app.MapRapidSmsHttp("/sms/incoming", "gateway");
    /// </code>
    /// </example>
    public static IEndpointConventionBuilder MapRapidSmsHttp(this IEndpointRouteBuilder endpoints, string pattern, string backend)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentException.ThrowIfNullOrEmpty(backend);

        IWebhookBackend? resolved = null;
        return endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Post], context =>
        {
            var status = StatusCodes.Status200OK;
            string? reason = null;
            var target = resolved ??= Resolve(context.RequestServices, backend, out status, out reason);
            if (target is null)
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(reason!, context.RequestAborted);
            }

            return target.HandleWebhookAsync(context);
        }).WithDisplayName($"RapidSms webhook: {backend}");
    }

    private static IWebhookBackend? Resolve(IServiceProvider services, string name, out int status, out string? reason)
    {
        var router = services.GetService<IRouter>();
        status = StatusCodes.Status500InternalServerError;
        if (router is null)
        {
            reason = "RapidSms is not registered: call services.AddRapidSms(...).";
        }
        else if (!router.TryGetBackend(name, out var found))
        {
            // The router creates its backends when the host starts: until then, ask the gateway to come back.
            status = router.Backends.Count == 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            reason = status == StatusCodes.Status503ServiceUnavailable
                ? "RapidSms is starting."
                : $"No backend named '{name}' is registered.";
        }
        else if (found is not IWebhookBackend webhook)
        {
            reason = $"Backend '{name}' ({found.GetType().Name}) does not receive webhooks.";
        }
        else
        {
            reason = null;
            return webhook;
        }

        if (status == StatusCodes.Status500InternalServerError)
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(HttpEndpointRouteBuilderExtensions).FullName!);
            if (logger is not null)
            {
                Log.EndpointMisconfigured(logger, name, reason);
            }
        }

        return null;
    }
}
