// A RapidSms host on one or more GSM modems. Each modem is a backend in appsettings.json
// ("Engine": "gsm", "Port": "/dev/ttyUSB0" or "tcp://HOST:PORT"). PING, ECHO and HELP are answered;
// anything else gets the default response. Every minute each modem's status is logged.
//
//   dotnet run --project samples/RapidSms.Samples.Gsm                 the modems in appsettings.json
//   dotnet run --project samples/RapidSms.Samples.Gsm -- --simulate   a simulated modem instead; it
//                                                                     sends "ping" and shows the reply
// See README.md next to this file.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidSms;
using RapidSms.Samples.Gsm;
using RapidSms.Testing.Gsm;

var simulate = args.Contains("--simulate");
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args.Where(a => a != "--simulate").ToArray(),

    // appsettings.json is copied next to the program; find it wherever `dotnet run` starts from.
    ContentRootPath = AppContext.BaseDirectory,
});

await using var simulator = simulate ? new GsmModemSimulator() : null;
try
{
    builder.Services.AddRapidSms(rapid =>
    {
        rapid.AddHandler<PingHandler>()
            .AddHandler<EchoHandler>()
            .AddHandler<HelpHandler>()
            .AddDefaultResponse();
        if (simulator is null)
        {
            rapid.AddBackends(builder.Configuration.GetSection("RapidSms:Backends"));
        }
        else
        {
            var endpoint = simulator.ListenTcp();
            rapid.AddBackend("simulated", b => b.UseGsm(o => o.Port = $"tcp://127.0.0.1:{endpoint.Port}"));
        }
    });
    builder.Services.AddHostedService<ModemStatusReporter>();

    using var host = builder.Build();
    await host.StartAsync();
    if (simulator is not null)
    {
        await SimulateAsync(simulator, host);
        await host.StopAsync();
        return 0;
    }

    await host.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex) when (ex is BackendConfigurationException or OptionsValidationException)
{
    // A configuration mistake: say what is wrong in one line, not with a stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

static async Task SimulateAsync(GsmModemSimulator simulator, IHost host)
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    var logger = host.Services.GetRequiredService<ILogger<GsmModemSimulator>>();
    await simulator.WaitUntilAsync(() => simulator.Commands.Contains("AT+CMGF=0"), timeout.Token);
    logger.LogInformation("The simulated phone +256700000001 sends \"ping\"");
    await simulator.DeliverAsync("+256700000001", "ping", cancellationToken: timeout.Token);
    var reply = (await simulator.WaitForSentAsync(1, timeout.Token))[0];
    Console.WriteLine($"{reply.Recipient} < {reply.Text}");
}
