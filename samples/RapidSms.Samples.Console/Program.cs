// A message tester on the generic host: type messages as a phone would send them and see the
// replies, or pipe "IDENTITY: TEXT" lines through it from a script. See README.md next to this file.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RapidSms;
using RapidSms.Samples;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,

    // appsettings.json is copied next to the program; find it wherever `dotnet run` starts from.
    ContentRootPath = AppContext.BaseDirectory,
});

// Standard output carries replies only, so scripts can compare it; every log line goes to
// standard error. appsettings.json sets the level (Warning), so does --Logging:LogLevel:Default=Debug.
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

try
{
    builder.Services.AddRapidSms(rapid => rapid
        .AddHandler<PingHandler>()
        .AddHandler<EchoHandler>()
        .AddHandler<HelpHandler>()
        .AddDefaultResponse()
        .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));

    // Added after AddRapidSms, so the backends are running before the tester reads its first line.
    builder.Services.AddSingleton<MessageTester>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<MessageTester>());

    var host = builder.Build();
    var tester = host.Services.GetRequiredService<MessageTester>();
    await host.RunAsync();
    return tester.ExitCode;
}
catch (Exception ex) when (ex is BackendConfigurationException or OptionsValidationException)
{
    // A configuration mistake: say what is wrong in one line, not with a stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return MessageTester.ConfigurationError;
}
