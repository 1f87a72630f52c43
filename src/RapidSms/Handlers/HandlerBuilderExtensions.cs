using Microsoft.Extensions.DependencyInjection;

namespace RapidSms;

/// <summary>Adds handlers and the apps RapidSMS ships in contrib.</summary>
public static class HandlerBuilderExtensions
{
    /// <summary>
    /// Adds a handler (keyword or pattern), and the <see cref="HandlersApp"/> that runs handlers if it is
    /// not added yet. Handlers are tried in the order they are added.
    /// </summary>
    /// <typeparam name="THandler">The handler; its constructor may take any registered service.</typeparam>
    /// <param name="builder">The RapidSms builder.</param>
    public static IRapidSmsBuilder AddHandler<THandler>(this IRapidSmsBuilder builder)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddApp<HandlersApp>();
        RapidSmsBuilderExtensions.AddOnce<IMessageHandler, THandler>(builder.Services);

        return builder;
    }

    /// <summary>Adds the app that answers messages no app handled.</summary>
    /// <param name="builder">The RapidSms builder.</param>
    /// <param name="text">The reply; <see langword="null"/> keeps the default.</param>
    public static IRapidSmsBuilder AddDefaultResponse(this IRapidSmsBuilder builder, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddApp<DefaultResponseApp>();
        if (text is not null)
        {
            builder.Services.Configure<DefaultResponseOptions>(o => o.Text = text);
        }

        return builder;
    }

    /// <summary>Adds the app that logs every incoming and outgoing message. Add it first.</summary>
    /// <param name="builder">The RapidSms builder.</param>
    public static IRapidSmsBuilder AddMessageLog(this IRapidSmsBuilder builder) => builder.AddApp<MessageLogApp>();
}
