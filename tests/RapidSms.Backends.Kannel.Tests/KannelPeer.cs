using System.Text;
using RapidSms.Backends.Kannel;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>
/// A real Kannel (bearerbox + smsbox, started from tests/peers/kannel/kannel.conf.template on free ports under a
/// temporary folder) whose SMSC is the test's own HTTP sink: what Kannel sends to a phone arrives at the sink, and
/// what a phone sends is injected on the SMSC's HTTP port, as an HTTP SMSC would.
/// </summary>
public sealed class KannelPeer : IBackendTestPeer
{
    public const string Install = "apt-get install -y kannel";
    public const string Username = "rapidsms";
    public const string Password = "kannel-pa55";
    public const string ShortCode = "12345";

    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<PeerProcess> _processes = [];
    private int _foreignId;

    private KannelPeer(HttpSink sink, string directory)
    {
        Sink = sink;
        Directory = directory;
    }

    /// <summary>The SMSC sink: every message Kannel delivers arrives here as GET /send.</summary>
    public HttpSink Sink { get; }

    public string Directory { get; }

    public int SendSmsPort { get; private set; }

    public int SmscPort { get; private set; }

    public int AdminPort { get; private set; }

    /// <summary>The port the backend under test must listen on (Kannel's get-url points there).</summary>
    public int BackendPort { get; private set; }

    public string SendSmsUrl => $"http://127.0.0.1:{SendSmsPort}/cgi-bin/sendsms";

    public static async Task<KannelPeer> StartAsync(string? secret = null, string receivePath = "/kannel")
    {
        var bearerbox = Peers.Require("bearerbox", Install);
        var smsbox = Peers.Require("smsbox", Install);
        var sink = await HttpSink.StartAsync();
        var peer = new KannelPeer(sink, Peers.CreateTempDirectory("kannel"));
        try
        {
            // The SMSC acknowledges with a foreign message id, which Kannel keeps to match delivery reports.
            sink.Respond = (_, _) => (200, $"OK f{Interlocked.Increment(ref peer._foreignId)}");
            peer.AdminPort = Peers.FreeTcpPort();
            var smsboxPort = Peers.FreeTcpPort();
            peer.SendSmsPort = Peers.FreeTcpPort();
            peer.SmscPort = Peers.FreeTcpPort();
            peer.BackendPort = Peers.FreeTcpPort();
            System.IO.Directory.CreateDirectory(Path.Combine(peer.Directory, "store"));
            var template = await File.ReadAllTextAsync(Path.Combine(Peers.RepositoryRoot, "tests", "peers", "kannel", "kannel.conf.template"));
            var config = template
                .Replace("{{DIR}}", peer.Directory, StringComparison.Ordinal)
                .Replace("{{ADMIN_PORT}}", peer.AdminPort.ToString(), StringComparison.Ordinal)
                .Replace("{{ADMIN_PASSWORD}}", "admin-pa55", StringComparison.Ordinal)
                .Replace("{{SMSBOX_PORT}}", smsboxPort.ToString(), StringComparison.Ordinal)
                .Replace("{{SENDSMS_PORT}}", peer.SendSmsPort.ToString(), StringComparison.Ordinal)
                .Replace("{{SMSC_PORT}}", peer.SmscPort.ToString(), StringComparison.Ordinal)
                .Replace("{{SINK_URL}}", sink.Address.ToString(), StringComparison.Ordinal)
                .Replace("{{USERNAME}}", Username, StringComparison.Ordinal)
                .Replace("{{PASSWORD}}", Password, StringComparison.Ordinal)
                .Replace("{{GET_URL}}", $"http://127.0.0.1:{peer.BackendPort}{receivePath}", StringComparison.Ordinal)
                .Replace("{{SECRET}}", secret is null ? "" : "&secret=" + Uri.EscapeDataString(secret), StringComparison.Ordinal);
            var path = Path.Combine(peer.Directory, "kannel.conf");
            await File.WriteAllTextAsync(path, config);

            var bb = PeerProcess.Start(bearerbox, [path], peer.Directory);
            peer._processes.Add(bb);
            await Peers.WaitForTcpAsync(smsboxPort, TimeSpan.FromSeconds(20), bb);
            await Peers.WaitForTcpAsync(peer.SmscPort, TimeSpan.FromSeconds(20), bb);
            var sb = PeerProcess.Start(smsbox, [path], peer.Directory);
            peer._processes.Add(sb);
            await Peers.WaitForTcpAsync(peer.SendSmsPort, TimeSpan.FromSeconds(20), sb);
            await peer.WaitForSmsboxAsync();
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
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

    public ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A phone sends <paramref name="text"/>: GSM text as UTF-8 with coding 0, anything else as UCS-2 (UTF-16BE) with coding 2.</summary>
    public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken)
    {
        var gsm = Protocol.Gsm7.CanEncode(text);
        var bytes = gsm ? Encoding.UTF8.GetBytes(text) : Encoding.BigEndianUnicode.GetBytes(text);
        var url = $"http://127.0.0.1:{SmscPort}/?from={Uri.EscapeDataString(identity)}&to={ShortCode}&text={PercentEncode(bytes)}&coding={(gsm ? 0 : 2)}";
        var answer = await _client.GetStringAsync(url, cancellationToken);
        if (!answer.StartsWith("Sent", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Kannel refused the injected message: {answer}");
        }
    }

    /// <summary>Reports a delivery (dlr-mask 1 delivered, 2 failed…) for a message the SMSC acknowledged with <paramref name="foreignId"/>.</summary>
    public async Task InjectDeliveryReportAsync(string foreignId, string identity, int type, string text, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{SmscPort}/?dlr-mask={type}&dlr-mid={Uri.EscapeDataString(foreignId)}&to={Uri.EscapeDataString(identity)}&from={ShortCode}&text={Uri.EscapeDataString(text)}";
        var answer = await _client.GetStringAsync(url, cancellationToken);
        if (!answer.StartsWith("Sent", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Kannel refused the injected delivery report: {answer}");
        }
    }

    public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
    {
        var (identity, text, _) = Decode(await Sink.NextAsync(cancellationToken));
        return new PeerMessage(identity, text);
    }

    /// <summary>What the SMSC received: recipient, text decoded as Kannel labelled it, and the foreign id it answered with.</summary>
    public static (string Identity, string Text, string Coding) Decode(SinkRequest request)
    {
        var raw = ParseRaw(request.RawQuery);
        var charset = Encoding.ASCII.GetString(raw["charset"]);
        var encoding = charset.Equals("UTF-16BE", StringComparison.OrdinalIgnoreCase) ? Encoding.BigEndianUnicode : Encoding.GetEncoding(charset);
        return (Encoding.UTF8.GetString(raw["to"]), encoding.GetString(raw["text"]), Encoding.ASCII.GetString(raw["coding"]));
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
        await Sink.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
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

    private async Task WaitForSmsboxAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var status = await _client.GetStringAsync($"http://127.0.0.1:{AdminPort}/status.txt?password=admin-pa55", timeout.Token);
            if (status.Contains("smsbox:", StringComparison.Ordinal) && status.Contains("sink", StringComparison.Ordinal) && status.Contains("online", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static string PercentEncode(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            text.Append('%').Append(b.ToString("X2"));
        }

        return text.ToString();
    }

    private static Dictionary<string, byte[]> ParseRaw(string query)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            var bytes = new List<byte>();
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '%' && i + 2 < value.Length)
                {
                    bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    bytes.Add(value[i] == '+' ? (byte)' ' : (byte)value[i]);
                }
            }

            result.TryAdd(name, [.. bytes]);
        }

        return result;
    }
}
