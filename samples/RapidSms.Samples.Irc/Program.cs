// An IRC bot on the generic host: it joins the channels in appsettings.json and answers PING,
// ECHO and HELP, privately or in a channel ("rapidsms: ping"). See README.md next to this file.
using Microsoft.Extensions.Hosting;
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
