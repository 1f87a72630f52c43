using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>
/// A real Dovecot (IMAP) and a real aiosmtpd (SMTP) on loopback, wired together: every message the SMTP
/// server accepts is delivered into the Maildir of its recipient's local part, which Dovecot serves. Users:
/// <c>rapidsms</c> (the backend's mailbox), <c>alice</c> and <c>bob</c>, all with password <see cref="Password"/>.
/// </summary>
public sealed class MailServers : IAsyncDisposable
{
    public const string Install = "apt-get install -y dovecot-imapd python3-aiosmtpd";
    public const string Dovecot = "/usr/sbin/dovecot";
    public const string Python = "/usr/bin/python3";
    public const string Domain = "example.test";
    public const string Password = "s3cret pässword";
    public static readonly string[] Users = ["rapidsms", "alice", "bob"];

    private readonly ConcurrentDictionary<string, byte> _delivered = new();
    private readonly ConcurrentDictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<(string Recipient, string Path)> _deliveries = Channel.CreateUnbounded<(string, string)>();
    private PeerProcess? _dovecot;
    private PeerProcess? _smtp;
    private long _sequence;

    private MailServers(string root, MailServersOptions options)
    {
        Root = root;
        Options = options;
    }

    public string Root { get; }

    public MailServersOptions Options { get; }

    public int ImapPort { get; private set; }

    public int ImapsPort { get; private set; }

    public int SmtpPort { get; private set; }

    /// <summary>The SHA-256 fingerprint of the self-signed certificate, when TLS is on.</summary>
    public string? CertificateThumbprint { get; private set; }

    public static string MissingReason => Peers.MissingReason(Install, [Dovecot, Python, "/usr/bin/doveadm"]) ?? "";

    public static async Task<MailServers> StartAsync(MailServersOptions? options = null)
    {
        if (Peers.Find(Dovecot) is null || Peers.Find(Python) is null)
        {
            throw new PeerMissingException(MissingReason);
        }

        var servers = new MailServers(Peers.CreateTempDirectory("email"), options ?? new MailServersOptions());
        try
        {
            await servers.PrepareAsync();
            await servers.StartImapAsync();
            await servers.StartSmtpAsync();
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    public string Address(string user) => $"{user}@{Domain}";

    public string MaildirNew(string user) => Path.Combine(Root, "users", user, "Maildir", "new");

    /// <summary>Delivers raw message bytes into <paramref name="user"/>'s mailbox, as an MTA's local delivery does.</summary>
    public async Task DeliverAsync(string user, byte[] message)
    {
        var maildir = Path.Combine(Root, "users", user, "Maildir");
        var name = $"{Interlocked.Increment(ref _sequence):D10}.test.{Guid.NewGuid():N}";
        var temporary = Path.Combine(maildir, "tmp", name);
        await File.WriteAllBytesAsync(temporary, message);
        File.Move(temporary, Path.Combine(maildir, "new", name));
    }

    /// <summary>The next message the SMTP server delivered (to <paramref name="to"/> only, when given), in delivery order.</summary>
    public async Task<(string Recipient, byte[] Content)> NextDeliveryAsync(CancellationToken cancellationToken, string? to = null)
    {
        while (true)
        {
            var (recipient, path) = await _deliveries.Reader.ReadAsync(cancellationToken);
            if (to is not null && !string.Equals(recipient, to, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Once Dovecot has seen the mail it lives in cur/, renamed with its flags ("NAME:2,S").
            if (!File.Exists(path))
            {
                var cur = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path))!, "cur");
                path = Directory.GetFiles(cur, Path.GetFileName(path) + "*").Single();
            }

            return (recipient, await File.ReadAllBytesAsync(path, cancellationToken));
        }
    }

    /// <summary>The MAIL FROM options (SMTPUTF8, BODY=8BITMIME...) of the last message delivered to <paramref name="recipient"/>.</summary>
    public string DeliveryOptions(string recipient) => _options.TryGetValue(recipient, out var options) ? options : "";

    /// <summary>Stops Dovecot the hard way (killed, as in a crash); <see cref="StartImapAsync"/> starts it again on the same ports.</summary>
    public async Task StopImapAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
            _dovecot = null;
        }
    }

    public async Task StartImapAsync()
    {
        if (ImapPort == 0)
        {
            ImapPort = Peers.FreeTcpPort();
            ImapsPort = Peers.FreeTcpPort();
        }

        await WaitUntilClosedAsync(ImapPort);
        _dovecot = PeerProcess.Start(Dovecot, ["-F", "-c", Path.Combine(Root, "dovecot.conf")]);
        await Peers.WaitForTcpAsync(ImapPort, TimeSpan.FromSeconds(20), _dovecot);
        if (Options.Tls)
        {
            await Peers.WaitForTcpAsync(ImapsPort, TimeSpan.FromSeconds(20), _dovecot);
        }
    }

    public string DescribeLogs()
    {
        var log = Path.Combine(Root, "dovecot.log");
        var dovecot = File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(30)) : "";
        return $"{Environment.NewLine}dovecot.log:{Environment.NewLine}{dovecot}{_smtp?.DescribeOutput()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }

        await StopImapAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task PrepareAsync()
    {
        var (uid, gid) = await MailUserAsync();

        // As root, Dovecot's own users run its services; otherwise everything runs as the current user.
        var runAs = "";
        if ((await RunAsync("id", ["-u"])).Trim() != "0")
        {
            var user = (await RunAsync("id", ["-un"])).Trim();
            var group = (await RunAsync("id", ["-gn"])).Trim();
            runAs = $"default_login_user = {user}\ndefault_internal_user = {user}\ndefault_internal_group = {group}";
        }

        foreach (var user in Users)
        {
            foreach (var sub in new[] { "tmp", "new", "cur" })
            {
                Directory.CreateDirectory(Path.Combine(Root, "users", user, "Maildir", sub));
            }
        }

        foreach (var directory in new[] { "run", "state" })
        {
            Directory.CreateDirectory(Path.Combine(Root, directory));
        }

        await RunAsync("chown", ["-R", $"{uid}:{gid}", Path.Combine(Root, "users")]);
        await File.WriteAllLinesAsync(Path.Combine(Root, "passwd"), Users.Select(u => $"{u}:{{PLAIN}}{Password}"));

        var ssl = "ssl = no";
        if (Options.Tls)
        {
            var (certificate, key, thumbprint) = CreateCertificate();
            CertificateThumbprint = thumbprint;
            await File.WriteAllTextAsync(Path.Combine(Root, "cert.pem"), certificate);
            await File.WriteAllTextAsync(Path.Combine(Root, "key.pem"), key);
            ssl = $"ssl = yes\nssl_cert = <{Root}/cert.pem\nssl_key = <{Root}/key.pem";
        }

        var template = await File.ReadAllTextAsync(Path.Combine(Peers.RepositoryRoot, "tests", "peers", "email", "dovecot.conf.template"));
        ImapPort = Peers.FreeTcpPort();
        ImapsPort = Options.Tls ? Peers.FreeTcpPort() : 0;
        var config = template
            .Replace("{ROOT}", Root, StringComparison.Ordinal)
            .Replace("{SSL}", ssl, StringComparison.Ordinal)
            .Replace("{RUN_AS}", runAs, StringComparison.Ordinal)
            .Replace("{AUTH_MECHANISMS}", Options.ImapAuthenticatePlain ? "plain login" : "login", StringComparison.Ordinal)
            .Replace("{MAIL_UID}", uid, StringComparison.Ordinal)
            .Replace("{MAIL_GID}", gid, StringComparison.Ordinal)
            .Replace("{IMAP_PORT}", ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{IMAPS_PORT}", ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(Root, "dovecot.conf"), config);
    }

    private async Task StartSmtpAsync()
    {
        SmtpPort = Peers.FreeTcpPort();
        var arguments = new List<string>
        {
            Path.Combine(Peers.RepositoryRoot, "tests", "peers", "email", "smtp_peer.py"),
            "--port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--root", Path.Combine(Root, "users"),
        };
        if (Options.SmtpAuthentication)
        {
            arguments.AddRange(["--user", "rapidsms", "--password", Password]);
        }

        if (Options.Tls)
        {
            arguments.AddRange(["--cert", Path.Combine(Root, "cert.pem"), "--key", Path.Combine(Root, "key.pem")]);
            if (Options.SmtpImplicitTls)
            {
                arguments.Add("--implicit-tls");
            }
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _smtp = PeerProcess.Start(Python, arguments, environment: new Dictionary<string, string> { ["PYTHONIOENCODING"] = "utf-8" });
        _smtp.LineReceived += line =>
        {
            if (line == "READY")
            {
                ready.TrySetResult();
            }
            else if (line.StartsWith("DELIVERED ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                _options[parts[1]] = parts.Length > 3 ? parts[3] : "";
                if (_delivered.TryAdd(parts[2], 0))
                {
                    _deliveries.Writer.TryWrite((parts[1], parts[2]));
                }
            }
        };
        foreach (var line in _smtp.Output.Where(l => l == "READY"))
        {
            ready.TrySetResult();
        }

        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(t =>
        {
            if (t.IsFaulted)
            {
                throw new TimeoutException("The SMTP peer did not start." + DescribeLogs());
            }
        }, TaskScheduler.Default);
        await Peers.WaitForTcpAsync(SmtpPort, TimeSpan.FromSeconds(10), _smtp);
    }

    private static async Task WaitUntilClosedAsync(int port)
    {
        // After a kill the port is free again at once on Linux (SO_REUSEADDR); this only guards slow exits.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                await Task.Delay(50);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return;
            }
        }
    }

    private static async Task<(string Uid, string Gid)> MailUserAsync()
    {
        // Dovecot refuses to give mail to uid 0: use the vmail system user, creating it when running as root.
        var uid = (await RunAsync("id", ["-u"])).Trim();
        if (uid != "0")
        {
            return (uid, (await RunAsync("id", ["-g"])).Trim());
        }

        try
        {
            await RunAsync("id", ["-u", "vmail"]);
        }
        catch (InvalidOperationException)
        {
            await RunAsync("useradd", ["-r", "-M", "-s", "/usr/sbin/nologin", "vmail"]);
        }

        return ((await RunAsync("id", ["-u", "vmail"])).Trim(), (await RunAsync("id", ["-g", "vmail"])).Trim());
    }

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(Peers.Find(program) ?? program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error}");
        }

        return output;
    }

    private static (string Certificate, string Key, string Thumbprint) CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate.GetCertHashString(HashAlgorithmName.SHA256));
    }
}

/// <summary>How <see cref="MailServers"/> is set up.</summary>
public sealed record MailServersOptions
{
    /// <summary>A self-signed certificate: Dovecot with STARTTLS and implicit TLS, SMTP with STARTTLS required (or implicit TLS).</summary>
    public bool Tls { get; init; }

    /// <summary>SMTP requires AUTH as rapidsms.</summary>
    public bool SmtpAuthentication { get; init; }

    /// <summary>Dovecot offers AUTHENTICATE PLAIN (otherwise only the LOGIN command works).</summary>
    public bool ImapAuthenticatePlain { get; init; } = true;

    /// <summary>With <see cref="Tls"/>: SMTP speaks TLS from the first byte instead of STARTTLS.</summary>
    public bool SmtpImplicitTls { get; init; }
}
