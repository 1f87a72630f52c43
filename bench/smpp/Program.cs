// submit_sm throughput of the RapidSms SMPP client (SmppBackend.SendAsync, one part per message, no
// receipts), against an SMSC on a port (the node smpp server) or against the in-process SmppSimulator.
//
//   dotnet run -c Release --project bench/smpp -- --port 2775 --messages 200000 --window 64
//   dotnet run -c Release --project bench/smpp -- --simulator --messages 1000000 --window 64
//
// Prints one JSON line: {"client":"rapidsms","target":…,"messages":…,"seconds":…,"rate":…,"bytes_per_message":…};
// bytes_per_message is everything the process allocated during the run (client, and simulator when in-process).
// bench/smpp/run.sh runs the whole comparison.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Smpp;
using RapidSms.Testing;

var port = 0;
var simulator = false;
var messages = 200_000;
var window = 64;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--simulator": simulator = true; break;
        case "--messages": messages = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--window": window = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

if (!simulator && port == 0)
{
    Console.Error.WriteLine("give --port PORT (an SMSC on 127.0.0.1) or --simulator");
    return 2;
}

await using var smsc = simulator ? SmppSimulator.Start(new SmppSimulatorOptions { RecordSubmissions = false }) : null;

// The host runs the backend's link loop; the benchmark then calls SendAsync directly, as the router would.
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Services.AddRapidSms(rapid => rapid.AddBackend("bench", b => b.UseSmpp(o =>
{
    o.Host = "127.0.0.1";
    o.Port = smsc?.Port ?? port;
    o.SystemId = "bench";
    o.Password = "bench";
    o.WindowSize = window;
    o.RegisteredDelivery = 0;
    o.RequestTimeout = TimeSpan.FromSeconds(30);
})));
using var host = builder.Build();
await host.StartAsync();
var backend = (SmppBackend)host.Services.GetRequiredService<IRouter>().GetBackend("bench");
while (!backend.IsBound)
{
    await Task.Delay(10);
}

var message = new OutgoingMessage(new Connection("bench", "+256700000001"), "Throughput test message, plain GSM text.");
string[] identities = ["+256700000001"];

// Warm up the JIT and the connection.
await SendAsync(Math.Min(20_000, messages / 5));

var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var stopwatch = Stopwatch.StartNew();
var failed = await SendAsync(messages);
stopwatch.Stop();
var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)messages;

var rate = messages / stopwatch.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant(
    $"{{\"client\":\"rapidsms\",\"target\":\"{(simulator ? "simulator" : "node")}\",\"messages\":{messages},\"window\":{window},\"failed\":{failed},\"seconds\":{stopwatch.Elapsed.TotalSeconds:F3},\"rate\":{rate:F0},\"bytes_per_message\":{allocated:F0}}}"));

await host.StopAsync();
return failed == 0 ? 0 : 1;

async Task<int> SendAsync(int count)
{
    var next = -1;
    var failures = 0;
    var workers = new Task[window];
    for (var w = 0; w < workers.Length; w++)
    {
        workers[w] = Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var result = await backend.SendAsync(message, identities, CancellationToken.None);
                if (!result.Recipients[0].Succeeded)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
    }

    await Task.WhenAll(workers);
    return failures;
}
