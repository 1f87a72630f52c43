using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Every job runs in this process (InProcessEmitToolchain): BenchmarkDotNet generates, restores and
// builds no child project, so benchmarks run offline and start quickly. The mutator applies the
// toolchain to whatever job the command line picks (--job short for a quick run).
//
//   dotnet run -c Release --project bench/RapidSms.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/RapidSms.Benchmarks -- --filter '*' --job short
// bench/webhook/run.sh starts this program as the server wrk measures (see WebhookHost.cs).
if (args is ["webhook-host", .. var rest])
{
    return await RapidSms.Benchmarks.WebhookHost.RunAsync(rest);
}

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsMutator());

BenchmarkSwitcher.FromAssembly(typeof(RapidSms.Benchmarks.RouterBenchmarks).Assembly).Run(args, config);
return 0;
