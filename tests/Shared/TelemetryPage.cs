using System.Diagnostics.Metrics;
using System.Reflection;

namespace RapidSms.Tests.Shared;

/// <summary>Checks that docs/telemetry.md lists an engine's instruments as the engine publishes them.</summary>
public static class TelemetryPage
{
    /// <summary>
    /// Records the instruments whose names start with <paramref name="prefix"/> that <paramref name="run"/> publishes on
    /// the <c>RapidSms</c> meter, then checks that they are exactly the instrument names in <paramref name="telemetry"/>
    /// (its public constants, tag names left out) and that the page lists each once with its type and unit.
    /// </summary>
    /// <returns>The lines of the page, for further checks.</returns>
    public static async Task<string[]> ShouldListInstrumentsAsync(Type telemetry, string prefix, Func<Task> run)
    {
        var published = new Dictionary<string, Instrument>();
        using (var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == RapidSmsTelemetry.Name && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    lock (published)
                    {
                        published[instrument.Name] = instrument;
                    }
                }
            },
        })
        {
            listener.Start();
            await run();
        }

        var names = telemetry.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => !f.Name.EndsWith("Tag", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);
        var page = await File.ReadAllLinesAsync(Path.Combine(Peers.RepositoryRoot, "docs", "telemetry.md"));
        lock (published)
        {
            published.Keys.Should().BeEquivalentTo(names);
            foreach (var instrument in published.Values)
            {
                var kind = instrument.GetType().Name.Split('`')[0];
                page.Should().ContainSingle(l => l.StartsWith($"| `{instrument.Name}` |", StringComparison.Ordinal))
                    .Which.Should().Contain($"| {kind} | `{instrument.Unit}` |");
            }
        }

        return page;
    }
}
