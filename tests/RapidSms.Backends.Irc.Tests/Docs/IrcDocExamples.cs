using Microsoft.Extensions.Hosting;
using RapidSms;
using RapidSms.Backends.Irc;

namespace MyCompany.Sms;

/// <summary>The code in docs/backends/irc.md and src/RapidSms.Backends.Irc/README.md.</summary>
public static class IrcDocExamples
{
    public static void Register(HostApplicationBuilder builder)
    {
        // <register>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddHandler<EchoHandler>()
            .AddBackend("irc", b => b.UseIrc(o =>
            {
                o.Server = "irc.example.org";
                o.UseTls = true;
                o.Nick = "clinicbot";
                o.Channels.Add("#clinic");
                o.Channels.Add("#staff sesame"); // a channel with a key
            })));
        // </register>
    }

    public static void FromConfiguration(HostApplicationBuilder builder)
    {
        // <from-configuration>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        // </from-configuration>
    }

    public static async Task<SendResult> SendAsync(IRouter router, CancellationToken cancellationToken)
    {
        // <send>
        var irc = router.GetBackend<IrcBackend>("irc");
        await irc.WaitUntilConnectedAsync(cancellationToken); // optional: sends wait for the link anyway

        // A private message to a nick, and a line said in a channel the bot is in.
        await router.SendAsync("Your results are ready.", new Connection("irc", "alice"), cancellationToken);
        await router.SendAsync("Clinic opens at 9 today.", new Connection("irc", "#clinic"), cancellationToken);

        // To a nick, but in a channel: the line reads "alice: Please come to room 4."
        var message = new OutgoingMessage(new Connection("irc", "alice"), "Please come to room 4.");
        message.Fields[IrcFields.Channel] = "#clinic";
        var result = await router.SendOutgoingAsync(message, cancellationToken);
        // </send>
        return result;
    }

    public static void Reply(IncomingMessage message)
    {
        // <reply>
        // In an app: where did the message come from?
        var channel = message.Fields.TryGetValue(IrcFields.Channel, out var value) ? value as string : null;
        message.Respond(channel is null ? "Thanks for your private message." : $"Thanks, I read it in {channel}.");
        // </reply>
    }
}
