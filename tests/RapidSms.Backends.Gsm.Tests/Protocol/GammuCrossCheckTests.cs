using System.Diagnostics;
using System.Globalization;
using RapidSms.Backends.Gsm.Protocol;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Protocol;

/// <summary>
/// Cross-checks the codec against gammu's: gammu's dummy phone driver encodes SMS-SUBMIT PDUs offline
/// (<c>gammu displaysms</c>); this codec must decode them to the same text, and encode the same text to
/// the same TPDU.
/// </summary>
public sealed class GammuCrossCheckTests
{
    private const string Install = "apt-get install -y gammu";
    private const string Recipient = "+256700000001";

    public static TheoryData<string, bool> Texts => new()
    {
        { "hellohello", false },
        { "Price: 5€ [ok] {a|b} ~^\\ ÄÖÑÜ§¿ éèùìò", false },
        { string.Concat(Enumerable.Repeat("Long GSM text with [brackets] and € signs. ", 9)), false },
        { "Habari 👋 ça va? 你好", true },
        { string.Concat(Enumerable.Repeat("Unicode 👋 ", 20)), true },
    };

    [PeerTheory(Install, "gammu")]
    [MemberData(nameof(Texts))]
    public async Task GammuSubmit_DecodesToSameTextAndEncodesToSameTpdu(string text, bool unicode)
    {
        var gammu = await EncodeWithGammuAsync(text, unicode);

        var decoded = gammu.Select(hex => (SmsSubmit)SmsPdu.Decode(hex, PduDirection.FromMobile)).ToList();
        decoded.Should().OnlyContain(d => d.Destination.Number == Recipient);
        if (decoded.Count == 1)
        {
            decoded[0].Text.Should().Be(text);
        }
        else
        {
            var assembler = new ConcatenatedMessageAssembler();
            string? whole = null;
            foreach (var part in decoded)
            {
                whole = assembler.Add(Recipient, part.Concatenation!, part.Text);
            }

            whole.Should().Be(text);
        }

        var ours = SmsPduEncoder.EncodeSubmit(Recipient, text, new SmsEncodingOptions
        {
            ValidityPeriod = SmsSubmit.DecodeRelativeValidity(0xFF),
            ConcatenationReference = decoded[0].Concatenation?.Reference ?? 0,
        });
        ours.Select(p => SmsPdu.TpduOf(p.Hex)).Should().Equal(gammu.Select(SmsPdu.TpduOf));
    }

    private static async Task<IReadOnlyList<string>> EncodeWithGammuAsync(string text, bool unicode)
    {
        var gammu = Peers.Require("gammu", Install);
        var directory = Peers.CreateTempDirectory("gammu");
        try
        {
            var config = Path.Combine(directory, "gammurc");
            await File.WriteAllTextAsync(config, $"[gammu]\nmodel = dummy\nconnection = none\ndevice = {directory}\n");
            var info = new ProcessStartInfo(gammu)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["LANG"] = "C.UTF-8";
            info.Environment["LC_ALL"] = "C.UTF-8";
            foreach (var argument in new[] { "-c", config, "displaysms", "TEXT", Recipient, "-autolen", "2000" })
            {
                info.ArgumentList.Add(argument);
            }

            if (unicode)
            {
                info.ArgumentList.Add("-unicode");
            }

            info.ArgumentList.Add("-textutf8");
            info.ArgumentList.Add(text);
            using var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var pdus = (await output).Split('\n')
                .Where(l => l.StartsWith("Whole PDU", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .ToList();
            pdus.Should().NotBeEmpty($"gammu printed: {await output}{await error}");
            return pdus;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
