namespace RapidSms.Backends.Irc;

/// <summary>
/// Opens the byte stream the IRC backend talks over. The default, <see cref="IrcConnectionFactory"/>, opens TCP
/// and TLS; register another implementation to go through a proxy, record traffic or run over a test pipe.
/// </summary>
public interface IIrcConnectionFactory
{
    /// <summary>Connects to the server named by <paramref name="options"/>.</summary>
    /// <param name="options">The backend's options: server, port, TLS.</param>
    /// <param name="cancellationToken">Cancelled when the connect timeout passes or the backend stops.</param>
    /// <returns>A connected stream, TLS already negotiated when <see cref="IrcOptions.UseTls"/> is set; the backend disposes it.</returns>
    ValueTask<Stream> ConnectAsync(IrcOptions options, CancellationToken cancellationToken);
}
