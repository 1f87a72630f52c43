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
    public const string Install = KannelBoxes.Install;
    public const string Username = KannelBoxes.Username;
    public const string Password = KannelBoxes.Password;
    public const string ShortCode = KannelBoxes.ShortCode;

    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly KannelBoxes _boxes;
    private int _foreignId;

    private KannelPeer(HttpSink sink, KannelBoxes boxes)
    {
        Sink = sink;
        _boxes = boxes;
        SmscPort = Peers.FreeTcpPort();
    }

    /// <summary>The SMSC sink: every message Kannel delivers arrives here as GET /send.</summary>
    public HttpSink Sink { get; }

    public string Directory => _boxes.Directory;

    public int SendSmsPort => _boxes.SendSmsPort;

    public int SmscPort { get; }

    public int AdminPort => _boxes.AdminPort;

    /// <summary>The port the backend under test must listen on (Kannel's get-url points there).</summary>
    public int BackendPort => _boxes.BackendPort;

    public string SendSmsUrl => _boxes.SendSmsUrl;

    public static async Task<KannelPeer> StartAsync(string? secret = null, string receivePath = "/kannel")
    {
        var boxes = KannelBoxes.Create();
        var peer = new KannelPeer(await HttpSink.StartAsync(), boxes);
        try
        {
            // The SMSC acknowledges with a foreign message id, which Kannel keeps to match delivery reports.
            peer.Sink.Respond = (_, _) => (200, $"OK f{Interlocked.Increment(ref peer._foreignId)}");
            var placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SMSC_PORT"] = peer.SmscPort.ToString(),
                ["SINK_URL"] = peer.Sink.Address.ToString(),
            };
            await boxes.StartAsync("kannel.conf.template", placeholders, "sink", secret, receivePath,
                bearerbox => Peers.WaitForTcpAsync(peer.SmscPort, TimeSpan.FromSeconds(20), bearerbox));
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Points the backend at this Kannel: sendsms with credentials, self-hosted get-url/dlr-url listener.</summary>
    public void Configure(KannelOptions options, string receivePath = "/kannel") => _boxes.Configure(options, receivePath);

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
        await _boxes.DisposeAsync();
        _client.Dispose();
        await Sink.DisposeAsync();
    }

    /// <summary>The logs of both boxes, for failure messages.</summary>
    public string DescribeLogs() => _boxes.DescribeLogs();

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
