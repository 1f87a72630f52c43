using System.Text;
using RapidSms.Backends.Kannel;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>
/// A bearerbox and an smsbox started from a config template under tests/peers/kannel/ on free ports in a temporary
/// folder: the part every Kannel peer shares, whatever its SMSC. Stops both by process id and deletes the folder on
/// dispose.
/// </summary>
public sealed class KannelBoxes : IAsyncDisposable
{
    public const string Install = "apt-get install -y kannel";
    public const string Username = "rapidsms";
    public const string Password = "kannel-pa55";
    public const string ShortCode = "12345";
    private const string AdminPassword = "admin-pa55";

    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<PeerProcess> _processes = [];

    private KannelBoxes(string directory)
    {
        Directory = directory;
        AdminPort = Peers.FreeTcpPort();
        SmsboxPort = Peers.FreeTcpPort();
        SendSmsPort = Peers.FreeTcpPort();
        BackendPort = Peers.FreeTcpPort();
    }

    public string Directory { get; }

    public int AdminPort { get; }

    public int SmsboxPort { get; }

    public int SendSmsPort { get; }

    /// <summary>The port the backend under test must listen on (Kannel's get-url points there).</summary>
    public int BackendPort { get; }

    public string SendSmsUrl => $"http://127.0.0.1:{SendSmsPort}/cgi-bin/sendsms";

    /// <summary>Picks the ports and the folder; <see cref="StartAsync"/> then writes the config and starts the boxes.</summary>
    public static KannelBoxes Create()
    {
        Peers.Require("bearerbox", Install);
        Peers.Require("smsbox", Install);
        return new KannelBoxes(Peers.CreateTempDirectory("kannel"));
    }

    /// <summary>
    /// Fills in <paramref name="template"/> (the common placeholders and <paramref name="placeholders"/>), starts
    /// bearerbox, runs <paramref name="bearerboxStarted"/> (to wait for the SMSC link), then starts smsbox and waits
    /// until Kannel reports it and the SMSC <paramref name="smscId"/> online.
    /// </summary>
    public async Task StartAsync(
        string template,
        IReadOnlyDictionary<string, string> placeholders,
        string smscId,
        string? secret,
        string receivePath,
        Func<PeerProcess, Task> bearerboxStarted)
    {
        var config = await File.ReadAllTextAsync(Path.Combine(Peers.RepositoryRoot, "tests", "peers", "kannel", template));
        var values = new Dictionary<string, string>(placeholders, StringComparer.Ordinal)
        {
            ["DIR"] = Directory,
            ["ADMIN_PORT"] = AdminPort.ToString(),
            ["ADMIN_PASSWORD"] = AdminPassword,
            ["SMSBOX_PORT"] = SmsboxPort.ToString(),
            ["SENDSMS_PORT"] = SendSmsPort.ToString(),
            ["USERNAME"] = Username,
            ["PASSWORD"] = Password,
            ["GET_URL"] = $"http://127.0.0.1:{BackendPort}{receivePath}",
            ["SECRET"] = secret is null ? "" : "&secret=" + Uri.EscapeDataString(secret),
        };
        foreach (var (name, value) in values)
        {
            config = config.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
        }

        config.Split('\n').Where(line => !line.StartsWith('#')).Should().NotContain(line => line.Contains("{{"), "every placeholder of {0} is filled in", template);
        var path = Path.Combine(Directory, "kannel.conf");
        await File.WriteAllTextAsync(path, config);

        var bearerbox = PeerProcess.Start(Peers.Require("bearerbox", Install), [path], Directory);
        _processes.Add(bearerbox);
        await Peers.WaitForTcpAsync(SmsboxPort, TimeSpan.FromSeconds(20), bearerbox);
        await bearerboxStarted(bearerbox);
        var smsbox = PeerProcess.Start(Peers.Require("smsbox", Install), [path], Directory);
        _processes.Add(smsbox);
        await Peers.WaitForTcpAsync(SendSmsPort, TimeSpan.FromSeconds(20), smsbox);
        await WaitForOnlineAsync(smscId);
    }

    /// <summary>Points the backend at this Kannel: sendsms with credentials, self-hosted get-url/dlr-url listener.</summary>
    public void Configure(KannelOptions options, string receivePath = "/kannel")
    {
        options.SendSmsUrl = SendSmsUrl;
        options.Username = Username;
        options.Password = Password;
        options.From = ShortCode;
        options.ListenUrl = $"http://127.0.0.1:{BackendPort}";
        options.ReceivePath = receivePath;
    }

    /// <summary>The logs of both boxes, for failure messages.</summary>
    public string DescribeLogs()
    {
        var text = new StringBuilder();
        foreach (var name in new[] { "bearerbox.log", "smsbox.log" })
        {
            var path = Path.Combine(Directory, name);
            if (File.Exists(path))
            {
                var lines = File.ReadAllLines(path);
                text.AppendLine($"--- {name} (last 40 lines)").AppendJoin(Environment.NewLine, lines.TakeLast(40)).AppendLine();
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // smsbox first, then bearerbox, each by its own process id.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        _processes.Clear();
        _client.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitForOnlineAsync(string smscId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var status = await _client.GetStringAsync($"http://127.0.0.1:{AdminPort}/status.txt?password={AdminPassword}", timeout.Token);
            if (status.Contains("smsbox:", StringComparison.Ordinal) && status.Contains(smscId, StringComparison.Ordinal) && status.Contains("online", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
