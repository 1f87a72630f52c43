using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RapidSms.Backends.Irc;

/// <summary>
/// Connects over TCP and, when <see cref="IrcOptions.UseTls"/> is set, TLS. A certificate is accepted when the
/// system trusts it for <see cref="IrcOptions.Server"/>, or when its SHA-256 fingerprint equals
/// <see cref="IrcOptions.TlsFingerprint"/>.
/// </summary>
public sealed class IrcConnectionFactory : IIrcConnectionFactory
{
    /// <summary>The shared instance.</summary>
    public static IrcConnectionFactory Instance { get; } = new();

    /// <inheritdoc />
    public async ValueTask<Stream> ConnectAsync(IrcOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Server, options.EffectivePort, cancellationToken).ConfigureAwait(false);
            var network = new NetworkStream(socket, ownsSocket: true);
            if (!options.UseTls)
            {
                return network;
            }

            var tls = new SslStream(network, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.Server,
                        RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(options, certificate, errors),
                    },
                    cancellationToken).ConfigureAwait(false);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The SHA-256 fingerprint of a certificate as upper-case hex without separators.</summary>
    /// <param name="certificate">The certificate.</param>
    public static string Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
    }

    private static bool Accept(IrcOptions options, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || string.IsNullOrEmpty(options.TlsFingerprint))
        {
            return false;
        }

        var expected = options.TlsFingerprint.Replace(":", "", StringComparison.Ordinal);
        return string.Equals(Fingerprint(certificate), expected, StringComparison.OrdinalIgnoreCase);
    }
}
