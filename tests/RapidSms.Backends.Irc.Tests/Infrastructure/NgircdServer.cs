using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>Settings of one ngIRCd test server.</summary>
public sealed record NgircdSettings
{
    /// <summary>The server password (PASS), or null for none.</summary>
    public string? Password { get; init; }

    /// <summary>Whether to listen for TLS too, with a self-signed certificate made for the run.</summary>
    public bool Tls { get; init; }

    /// <summary>Channels created at start, with their modes (such as "+k sesame" for a key).</summary>
    public IReadOnlyDictionary<string, string> Channels { get; init; } = new Dictionary<string, string>();

    /// <summary>ngIRCd's PingTimeout, in seconds (after this long without data the server sends PING).</summary>
    public int PingTimeoutSeconds { get; init; } = 120;
}

/// <summary>
/// An ngIRCd process on 127.0.0.1 and a free port, with its configuration in a temporary folder. It can be
/// restarted on the same port; it is killed, by process id, when disposed.
/// </summary>
/// <remarks>
/// ngIRCd's flood protection applies to every client, the test client included: it handles at most three
/// commands of a client at once and then ignores that client for a second (more when it sends over 256 bytes
/// in a second). Nothing is dropped, it is only delayed, so tests allow for roughly three lines a second per
/// client.
/// </remarks>
public sealed class NgircdServer : IAsyncDisposable
{
    public const string Install = "apt-get install -y ngircd";
    public const string Program = "ngircd";

    private readonly string _directory;
    private readonly string _configPath;
    private PeerProcess? _process;

    private NgircdServer(NgircdSettings settings)
    {
        Settings = settings;
        _directory = Peers.CreateTempDirectory("ngircd");
        _configPath = Path.Combine(_directory, "ngircd.conf");
        Port = Peers.FreeTcpPort();
        if (settings.Tls)
        {
            TlsPort = Peers.FreeTcpPort();
            CertificateFingerprint = WriteCertificate();
        }

        File.WriteAllText(_configPath, BuildConfig());
    }

    public NgircdSettings Settings { get; }

    /// <summary>The plain-text port.</summary>
    public int Port { get; }

    /// <summary>The TLS port, when <see cref="NgircdSettings.Tls"/> is set.</summary>
    public int TlsPort { get; }

    /// <summary>The SHA-256 fingerprint of the TLS certificate, in hex.</summary>
    public string? CertificateFingerprint { get; }

    /// <summary>What the server printed (for failure messages).</summary>
    public string Output => _process?.DescribeOutput() ?? "";

    public static async Task<NgircdServer> StartAsync(NgircdSettings? settings = null)
    {
        var server = new NgircdServer(settings ?? new NgircdSettings());
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server (every client's link drops at once) and starts it again on the same ports.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    /// <summary>Kills the server.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var program = Peers.Require(Program, Install);
        _process = PeerProcess.Start(program, ["-n", "-f", _configPath], _directory);
        await Peers.WaitForTcpAsync(Port, TimeSpan.FromSeconds(15), _process);
        if (Settings.Tls)
        {
            await Peers.WaitForTcpAsync(TlsPort, TimeSpan.FromSeconds(15), _process);
        }
    }

    private string BuildConfig()
    {
        var config = new StringBuilder();
        config.AppendLine("[Global]");
        config.AppendLine("\tName = irc.rapidsms.test");
        config.AppendLine("\tInfo = RapidSms test server");
        config.AppendLine("\tAdminInfo1 = RapidSms tests");
        config.AppendLine("\tAdminInfo2 = loopback");
        config.AppendLine("\tAdminEMail = tests@rapidsms.test");
        config.AppendLine("\tListen = 127.0.0.1");
        config.AppendLine($"\tPorts = {Port}");
        config.AppendLine("\tMotdPhrase = RapidSms test server");
        config.AppendLine($"\tPingTimeout = {Settings.PingTimeoutSeconds}");
        config.AppendLine("\tPongTimeout = 20");
        if (Settings.Password is not null)
        {
            config.AppendLine($"\tPassword = {Settings.Password}");
        }

        if (Environment.UserName == "root")
        {
            config.AppendLine("\tServerUID = root");
            config.AppendLine("\tServerGID = root");
        }

        config.AppendLine("[Limits]");
        config.AppendLine("\tMaxNickLength = 30");
        config.AppendLine("\tMaxConnectionsIP = 0");
        config.AppendLine("[Options]");
        config.AppendLine("\tPAM = no");
        config.AppendLine("\tIdent = no");
        config.AppendLine("\tDNS = no");
        if (Settings.Tls)
        {
            config.AppendLine("[SSL]");
            config.AppendLine($"\tCertFile = {Path.Combine(_directory, "cert.pem")}");
            config.AppendLine($"\tKeyFile = {Path.Combine(_directory, "key.pem")}");
            config.AppendLine($"\tPorts = {TlsPort}");
        }

        foreach (var (name, modes) in Settings.Channels)
        {
            config.AppendLine("[Channel]");
            config.AppendLine($"\tName = {name}");
            config.AppendLine($"\tModes = {modes}");
        }

        return config.ToString();
    }

    private string WriteCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=irc.rapidsms.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("irc.rapidsms.test");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        File.WriteAllText(Path.Combine(_directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, "key.pem"), key.ExportRSAPrivateKeyPem());
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }
}
