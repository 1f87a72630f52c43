using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RapidSms.Tests.Shared;

/// <summary>
/// Finds, starts and stops the real programs (ngircd, dovecot, kannel, node, socat...) that
/// integration tests talk to over loopback.
/// </summary>
/// <remarks>
/// A developer machine without a peer skips the tests that need it, with a reason naming what to
/// install. With <c>CI=true</c> or <c>RAPIDSMS_REQUIRE_PEERS=1</c> a missing peer is a failure:
/// the tests run and their fixture throws <see cref="PeerMissingException"/>.
/// </remarks>
public static class Peers
{
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin", "/bin"];

    /// <summary>True when a missing peer must fail the run instead of skipping its tests.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("RAPIDSMS_REQUIRE_PEERS") == "1";

    /// <summary>The repository root (the folder holding RapidSms.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The full path of <paramref name="program"/> on PATH or in the sbin folders, or null.</summary>
    public static string? Find(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Why a peer is unavailable, or null when every program is found and every path (relative to the
    /// repository root) exists.
    /// </summary>
    public static string? MissingReason(string install, string[] programs, string[]? paths = null)
    {
        var missing = programs.Where(p => Find(p) is null)
            .Concat((paths ?? []).Where(p => !File.Exists(Path.Combine(RepositoryRoot, p)) && !Directory.Exists(Path.Combine(RepositoryRoot, p))))
            .ToList();
        return missing.Count == 0
            ? null
            : $"{string.Join(", ", missing)} not found: install with `{install}` (./build.sh test installs it)";
    }

    /// <summary>Returns the full path of <paramref name="program"/> or throws <see cref="PeerMissingException"/>.</summary>
    public static string Require(string program, string install) =>
        Find(program) ?? throw new PeerMissingException($"{program} not found: install with `{install}` (./build.sh test installs it)");

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago, chosen below the kernel's ephemeral range.
    /// </summary>
    /// <remarks>
    /// A port from the ephemeral range (what binding to port 0 gives) can be taken, between picking it and a peer
    /// binding it, by any outgoing connection on the machine, such as one peer process connecting to another.
    /// Ports below that range are only ever taken by something that binds them on purpose.
    /// </remarks>
    public static int FreeTcpPort()
    {
        var (low, _) = EphemeralRange.Value;
        var first = Math.Max(10_000, low - 20_000);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(first, low);
            if (PickedPorts.TryAdd(port, 0) && CanBind(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static readonly ConcurrentDictionary<int, byte> PickedPorts = new();

    private static readonly Lazy<(int Low, int High)> EphemeralRange = new(() =>
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32_768, 60_999);
        }
    });

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    /// <exception cref="TimeoutException">Nothing listened in time; the message carries the process output.</exception>
    public static async Task WaitForTcpAsync(int port, TimeSpan timeout, PeerProcess? process = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < timeout && process is not { HasExited: true })
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                var why = process is { HasExited: true } ? $"{process.Name} exited with code {process.ExitCode}" : $"nothing listened within {timeout}";
                throw new TimeoutException($"127.0.0.1:{port}: {why}.{process?.DescribeOutput()}", exception);
            }
        }
    }

    /// <summary>A new empty temporary folder for a peer's configuration and state.</summary>
    public static string CreateTempDirectory(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rapidsms-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RapidSms.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

/// <summary>A peer program the tests need is not installed (only thrown when peers are required).</summary>
public sealed class PeerMissingException(string message) : Exception(message);

/// <summary>A [Fact] that is skipped, with a reason naming what to install, when its peer is missing on a developer machine.</summary>
/// <param name="install">The command that installs the peer, for example <c>apt-get install -y ngircd</c>.</param>
/// <param name="programs">Programs the test starts, looked up on PATH and in the sbin folders.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerFactAttribute(string install, params string[] programs) : FactAttribute
{
    /// <summary>Files or folders, relative to the repository root, that must exist too (for example an npm project's node_modules).</summary>
    public string[]? Paths { get; init; }

    /// <inheritdoc />
    public override string? Skip
    {
        get => base.Skip ?? (Peers.Required ? null : Peers.MissingReason(install, programs, Paths));
        set => base.Skip = value;
    }
}

/// <summary>A [Theory] that is skipped, with a reason naming what to install, when its peer is missing on a developer machine.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerTheoryAttribute(string install, params string[] programs) : TheoryAttribute
{
    /// <summary>Files or folders, relative to the repository root, that must exist too.</summary>
    public string[]? Paths { get; init; }

    /// <inheritdoc />
    public override string? Skip
    {
        get => base.Skip ?? (Peers.Required ? null : Peers.MissingReason(install, programs, Paths));
        set => base.Skip = value;
    }
}

/// <summary>
/// A started peer program. Keeps the last lines it printed (for failure messages) and is killed,
/// with its children, on dispose.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private PeerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The program's file name, for messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Raised for every line the process writes to stdout or stderr.</summary>
    public event Action<string>? LineReceived;

    /// <summary>The last lines the process printed.</summary>
    public IReadOnlyList<string> Output => [.. _lines];

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(Path.GetFileName(fileName), process);
        process.OutputDataReceived += (_, e) => peer.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>The kept output, formatted for an exception message (empty when there is none).</summary>
    public string DescribeOutput()
    {
        var lines = Output;
        return lines.Count == 0 ? "" : $"{Environment.NewLine}{Name} printed:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    /// <summary>Kills the process and its children and waits for it to end.</summary>
    public async ValueTask StopAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            // Did not die within the timeout; nothing more can be done from here.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }

        LineReceived?.Invoke(line);
    }
}

/// <summary>
/// Skips a <see cref="RapidSms.Testing.BackendContractTests"/> subclass, with a reason naming what to install,
/// when its peer is missing on a developer machine; like <see cref="PeerFactAttribute"/>, it never skips when
/// peers are required.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPeerAttribute(string install, params string[] programs) : RapidSms.Testing.ContractSkipConditionAttribute
{
    /// <summary>Files or folders, relative to the repository root, that must exist too.</summary>
    public string[]? Paths { get; init; }

    /// <inheritdoc />
    public override string? SkipReason => Peers.Required ? null : Peers.MissingReason(install, programs, Paths);
}
