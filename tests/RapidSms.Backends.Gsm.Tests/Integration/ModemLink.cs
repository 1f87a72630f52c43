using RapidSms.Backends.Gsm.Transport;
using RapidSms.Testing.Gsm;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>A simulator and the port a backend reaches it on: TCP on loopback, or a socat pseudo-terminal pair opened through termios.</summary>
internal sealed class ModemLink : IAsyncDisposable
{
    private readonly SocatPair? _pair;

    private ModemLink(GsmModemSimulator simulator, string port, SocatPair? pair)
    {
        Simulator = simulator;
        Port = port;
        _pair = pair;
    }

    public GsmModemSimulator Simulator { get; }

    public string Port { get; }

    public static ModemLink Tcp(GsmModemSimulatorOptions? options = null)
    {
        var simulator = new GsmModemSimulator(options ?? new GsmModemSimulatorOptions { Capacity = 255 });
        var endpoint = simulator.ListenTcp();
        return new ModemLink(simulator, $"tcp://127.0.0.1:{endpoint.Port}", null);
    }

    public static async Task<ModemLink> PtyAsync(GsmModemSimulatorOptions? options = null)
    {
        var pair = await SocatPair.StartAsync();
        var simulator = new GsmModemSimulator(options ?? new GsmModemSimulatorOptions { Capacity = 255 });
        simulator.Attach(SerialPortStream.Open(pair.ModemEnd, 115200));
        return new ModemLink(simulator, pair.HostEnd, pair);
    }

    /// <summary>Points options at this modem, with timings short enough for tests.</summary>
    public void Configure(GsmOptions options)
    {
        options.Port = Port;
        options.CommandTimeout = TimeSpan.FromSeconds(2);
        options.SendTimeout = TimeSpan.FromSeconds(5);
        options.RegistrationTimeout = TimeSpan.FromSeconds(2);
        options.ReconnectDelay = TimeSpan.FromMilliseconds(100);
        options.MaxReconnectDelay = TimeSpan.FromSeconds(1);
        options.StatusInterval = TimeSpan.FromSeconds(30);
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }
}
