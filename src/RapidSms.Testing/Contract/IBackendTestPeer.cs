namespace RapidSms.Testing;

/// <summary>
/// The outside world a backend under test talks to (an SMSC, a gateway, a mail server, a modem
/// simulator, an IRC server), driven by <see cref="BackendContractTests"/>.
/// </summary>
/// <remarks>
/// The suite starts the peer before the host (so the backend finds it listening), calls
/// <see cref="AttachAsync"/> once the host has started, and disposes the peer after the host stopped.
/// </remarks>
public interface IBackendTestPeer : IAsyncDisposable
{
    /// <summary>Called once the host has started, with the backend under test.</summary>
    /// <param name="backend">The started backend.</param>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a message to our backend as <paramref name="identity"/> would (mobile-originated). May return
    /// before the router has the message; the suite waits for the app to see it.
    /// </summary>
    /// <param name="identity">The sender, in the form the backend reports it.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the next message our backend transmitted to the outside world, in the order it did so;
    /// waits until there is one.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken);
}
