using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>A linked pair of pseudo-terminals made by socat: what is written to one end is read from the other.</summary>
internal sealed class SocatPair : IAsyncDisposable
{
    public const string Install = "apt-get install -y socat";

    private readonly PeerProcess _process;
    private readonly string _directory;

    private SocatPair(PeerProcess process, string directory)
    {
        _process = process;
        _directory = directory;
        HostEnd = Path.Combine(directory, "host");
        ModemEnd = Path.Combine(directory, "modem");
    }

    /// <summary>The end the backend opens, as it would open /dev/ttyUSB0.</summary>
    public string HostEnd { get; }

    /// <summary>The end the simulator opens.</summary>
    public string ModemEnd { get; }

    public static async Task<SocatPair> StartAsync()
    {
        var socat = Peers.Require("socat", Install);
        var directory = Peers.CreateTempDirectory("gsm-pty");
        var process = PeerProcess.Start(socat, ["-d", $"pty,raw,echo=0,link={Path.Combine(directory, "host")}", $"pty,raw,echo=0,link={Path.Combine(directory, "modem")}"]);
        var pair = new SocatPair(process, directory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!File.Exists(pair.HostEnd) || !File.Exists(pair.ModemEnd))
        {
            if (process.HasExited || timeout.IsCancellationRequested)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException("socat did not create its pseudo-terminals." + process.DescribeOutput());
            }

            await Task.Delay(20);
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
