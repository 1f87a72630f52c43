using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RapidSms.Backends.Email.Client;

/// <summary>Opens a byte stream to a host and port; replaceable so tests and tunnels can plug in.</summary>
internal delegate ValueTask<Stream> StreamConnector(string host, int port, CancellationToken cancellationToken);

/// <summary>Where a mail server is and how to talk to it.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port.</param>
/// <param name="Security">TLS mode.</param>
/// <param name="UserName">Login, or null for none.</param>
/// <param name="Password">Password; never logged.</param>
/// <param name="CertificateThumbprint">A pinned certificate accepted even when its chain does not validate.</param>
/// <param name="AccessToken">When set, the login is SASL XOAUTH2 with a token from this callback, asked anew for every connection.</param>
internal sealed record MailServer(
    string Host, int Port, EmailSecurity Security, string? UserName, string? Password, string? CertificateThumbprint,
    Func<CancellationToken, ValueTask<string>>? AccessToken = null)
{
    /// <summary>Connects over TCP, the default <see cref="StreamConnector"/>.</summary>
    public static async ValueTask<Stream> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // An IMAP session idles for minutes: probe the link so a peer that vanished (a NAT timeout,
            // a crashed host) breaks the pending read instead of leaving it waiting forever.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            TrySetKeepAlive(socket, SocketOptionName.TcpKeepAliveTime, 60);
            TrySetKeepAlive(socket, SocketOptionName.TcpKeepAliveInterval, 15);
            TrySetKeepAlive(socket, SocketOptionName.TcpKeepAliveRetryCount, 4);
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void TrySetKeepAlive(Socket socket, SocketOptionName option, int value)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, option, value);
        }
        catch (SocketException)
        {
            // Not every platform lets the keep-alive timing be tuned; the system default then applies.
        }
    }

    /// <summary>Opens a <see cref="MailConnection"/>, with TLS from the start when <see cref="Security"/> says so.</summary>
    public async ValueTask<MailConnection> OpenAsync(StreamConnector connector, int maxLineLength, Action<bool, string>? trace, CancellationToken cancellationToken)
    {
        var stream = await connector(Host, Port, cancellationToken).ConfigureAwait(false);
        try
        {
            if (Security == EmailSecurity.Tls)
            {
                stream = await MailConnection.AuthenticateAsync(stream, Host, ValidateCertificate, leaveInnerOpen: false, cancellationToken).ConfigureAwait(false);
            }

            return new MailConnection(stream, maxLineLength, trace);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Accepts a valid chain, or a certificate matching <see cref="CertificateThumbprint"/> (SHA-256 or SHA-1, hex).</summary>
    public bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || string.IsNullOrWhiteSpace(CertificateThumbprint))
        {
            return false;
        }

        var pinned = CertificateThumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        return string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase)
            || string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA1), pinned, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port} ({Security})";
}
