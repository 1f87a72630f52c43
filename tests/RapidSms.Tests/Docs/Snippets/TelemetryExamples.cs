using System.Diagnostics.Metrics;
using RapidSms;

namespace MyCompany.Sms;

/// <summary>The code in docs/telemetry.md.</summary>
public static class TelemetryExamples
{
    public static MeterListener Listen(Action<string, long> onCount)
    {
        // <meter-listener>
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RapidSmsTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => onCount(instrument.Name, value));
        listener.Start();
        // </meter-listener>
        return listener;
    }
}
