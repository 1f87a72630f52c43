using System.Diagnostics;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>
/// gammu, a real AT client, reads the simulator over a socat pseudo-terminal: its decoder must read the
/// SMS-DELIVER PDUs this codec encoded, and the simulator must carry gammu's session.
/// </summary>
public sealed class GammuAgainstSimulatorTests
{
    [PeerFact("apt-get install -y gammu socat", "gammu", "socat")]
    public async Task GammuGetAllSms_ReadsMessagesTheSimulatorStored()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var link = await ModemLink.PtyAsync();
        await link.Simulator.DeliverAsync("+256700000001", "Price: 5€ [ok] {a|b}", DateTimeOffset.Parse("2024-05-01T10:00:00+03:00", System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
        await link.Simulator.DeliverAsync("Megafon", "Habari 👋 你好", cancellationToken: timeout.Token);

        var output = await RunGammuAsync(link.Port, timeout.Token, "getallsms");

        output.Should().Contain("Price: 5€ [ok] {a|b}").And.Contain("+256700000001").And.Contain("Habari 👋 你好").And.Contain("Megafon");
    }

    [PeerFact("apt-get install -y gammu socat", "gammu", "socat")]
    public async Task GammuSendSms_SimulatorDecodesGammusPdus()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var link = await ModemLink.PtyAsync();
        var text = string.Concat(Enumerable.Repeat("Habari 👋 ", 12));

        var output = await RunGammuAsync(link.Port, timeout.Token, "sendsms", "TEXT", "+256700000009", "-unicode", "-autolen", "1000", "-textutf8", text);

        var sent = await link.Simulator.WaitForSentAsync(1, timeout.Token);
        sent[0].Recipient.Should().Be("+256700000009", output);
        sent[0].Text.Should().Be(text);
        sent[0].Parts.Should().Be(2);
    }

    private static async Task<string> RunGammuAsync(string device, CancellationToken cancellationToken, params string[] arguments)
    {
        var gammu = Peers.Require("gammu", "apt-get install -y gammu");
        var directory = Peers.CreateTempDirectory("gammu-at");
        try
        {
            var config = Path.Combine(directory, "gammurc");
            await File.WriteAllTextAsync(config, $"[gammu]\ndevice = {device}\nconnection = at115200\nlogfile = {Path.Combine(directory, "gammu.log")}\nlogformat = textall\n", cancellationToken);
            var info = new ProcessStartInfo(gammu) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["LANG"] = "C.UTF-8";
            info.Environment["LC_ALL"] = "C.UTF-8";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(config);
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            var log = Path.Combine(directory, "gammu.log");
            return await output + await error + (File.Exists(log) ? "\n--- gammu log ---\n" + await File.ReadAllTextAsync(log, cancellationToken) : string.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
