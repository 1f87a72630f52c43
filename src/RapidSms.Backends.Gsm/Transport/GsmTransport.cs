using System.Globalization;
using System.Net.Sockets;

namespace RapidSms.Backends.Gsm.Transport;

/// <summary>Opens the stream a backend talks AT over: a serial device or a TCP connection (ser2net, IP modems).</summary>
internal static class GsmTransport
{
    public const string TcpScheme = "tcp://";

    public static bool IsTcp(string port) => port.StartsWith(TcpScheme, StringComparison.OrdinalIgnoreCase);

    public static async ValueTask<Stream> OpenAsync(GsmOptions options, CancellationToken cancellationToken)
    {
        if (options.ConnectionFactory is { } factory)
        {
            return await factory(cancellationToken).ConfigureAwait(false);
        }

        if (IsTcp(options.Port))
        {
            var (host, port) = ParseTcp(options.Port);
            var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                return client.GetStream();
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        return SerialPortStream.Open(options.Port, options.BaudRate, options.RtsCts);
    }

    public static (string Host, int Port) ParseTcp(string value)
    {
        var rest = value[TcpScheme.Length..].TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{value}' is not a TCP address: write tcp://HOST:PORT, such as tcp://192.168.1.20:4001.");
        }

        return (rest[..colon].Trim('[', ']'), port);
    }
}
