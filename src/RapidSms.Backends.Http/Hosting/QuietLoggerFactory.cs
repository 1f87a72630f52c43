using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Http.Hosting;

/// <summary>
/// The logger factory of a self-hosted listener: passes on warnings and errors only. ASP.NET Core's request
/// logging writes full URLs at Information, and webhook URLs may carry shared secrets and message text.
/// </summary>
internal sealed class QuietLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new QuietLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider)
    {
        // The host owns the providers.
    }

    public void Dispose()
    {
        // The host owns the inner factory.
    }

    private sealed class QuietLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
