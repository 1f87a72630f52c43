// An email SMS gateway on the generic host: every unread mail in the configured IMAP mailbox is a
// message to the apps, and their replies go back by email, threaded under the mail they answer.
// Point appsettings.json (or environment variables) at your mail server; see README.md next to this file.
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
    // A configuration mistake (a missing host, a typo in a key): say what is wrong in one line.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
