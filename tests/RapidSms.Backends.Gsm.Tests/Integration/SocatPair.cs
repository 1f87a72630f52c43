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
        const string Ready = "starting data transfer loop";
        var socat = Peers.Require("socat", Install);
        var directory = Peers.CreateTempDirectory("gsm-pty");

        // With -d -d socat says when both pseudo-terminals (and their links) exist and it starts copying between them.
        var process = PeerProcess.Start(socat, ["-d", "-d", $"pty,raw,echo=0,link={Path.Combine(directory, "host")}", $"pty,raw,echo=0,link={Path.Combine(directory, "modem")}"]);
        var pair = new SocatPair(process, directory);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.LineReceived += line =>
        {
            if (line.Contains(Ready, StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        if (process.Output.Any(line => line.Contains(Ready, StringComparison.Ordinal)))
        {
            started.TrySetResult();
        }

        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await pair.DisposeAsync();
            throw new InvalidOperationException("socat did not create its pseudo-terminals." + process.DescribeOutput());
        }

        if (!File.Exists(pair.HostEnd) || !File.Exists(pair.ModemEnd))
        {
            await pair.DisposeAsync();
            throw new InvalidOperationException("socat started without the pseudo-terminal links." + process.DescribeOutput());
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
