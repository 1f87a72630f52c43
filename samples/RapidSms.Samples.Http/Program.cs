// An SMS service behind an HTTP gateway: the gateway calls our webhook with each message a phone
// sends, the handlers answer, and the answers go back through the gateway's send URL. Everything
// about the gateway is in appsettings.json. See README.md next to this file.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidSms;

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
