using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Gsm;

namespace RapidSms.Samples.Gsm;

/// <summary>Logs every GSM backend's status (state, network, signal, counters) once a minute.</summary>
internal sealed partial class ModemStatusReporter(IRouter router, ILogger<ModemStatusReporter> logger, TimeProvider? timeProvider = null) : BackgroundService
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), _time);
        do
        {
            foreach (var backend in router.Backends.OfType<GsmBackend>())
            {
                var status = backend.Status;
                LogStatus(logger, backend.Name, status.State, status.Registration, status.Operator, status.SignalStrengthDbm, status.MessagesReceived, status.PartsSent, status.SendFailures, status.LastError);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(1, LogLevel.Information, "{Backend}: {State}, {Registration} on {Operator}, signal {Signal} dBm, {Received} received, {Sent} parts sent, {Failures} failures, last error: {LastError}")]
    private static partial void LogStatus(ILogger logger, string backend, GsmModemState state, GsmRegistration registration, string? @operator, int? signal, long received, long sent, long failures, string? lastError);
}
