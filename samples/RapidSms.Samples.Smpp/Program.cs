// An SMPP host: binds to the SMSC named in appsettings.json (backend "smsc"), answers PING, ECHO and
// HELP, replies to anything else with the default response, and logs every delivery report. Override
// any setting on the command line: --RapidSms:Backends:smsc:Host=smpp.example.com. See README.md.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidSms;
using RapidSms.Samples.Smpp;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,

    // appsettings.json is copied next to the program; find it wherever `dotnet run` starts from.
    ContentRootPath = AppContext.BaseDirectory,
});

try
{
    builder.Services.AddRapidSms(rapid => rapid
        .AddHandler<PingHandler>()
        .AddHandler<EchoHandler>()
        .AddHandler<HelpHandler>()
        .AddDefaultResponse()
        .AddDeliveryReportObserver<DeliveryReportLogger>()
        .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));

    await builder.Build().RunAsync();
    return 0;
}
catch (Exception ex) when (ex is BackendConfigurationException or OptionsValidationException)
{
    // A configuration mistake: say what is wrong in one line, not with a stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
