namespace RapidSms.Testing;

/// <summary>
/// The <see cref="IBackendTestPeer"/> of the SMPP backend against a <see cref="SmppSimulator"/>: what a phone
/// sends arrives as deliver_sm, and what the backend submits is read back as whole messages, in order.
/// </summary>
/// <remarks>Point the backend at <see cref="Simulator"/>'s <see cref="SmppSimulator.Host"/> and <see cref="SmppSimulator.Port"/>.</remarks>
public sealed class SmppSimulatorPeer : IBackendTestPeer
{
    private int _next;

    /// <summary>Creates a peer with a fresh simulator.</summary>
    /// <param name="options">The simulator's options; <see langword="null"/> for the defaults.</param>
    public SmppSimulatorPeer(SmppSimulatorOptions? options = null) => Simulator = SmppSimulator.Start(options);

    /// <summary>The simulator.</summary>
    public SmppSimulator Simulator { get; }

    /// <summary>Waits until the backend has bound.</summary>
    /// <param name="backend">The backend under test.</param>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    public async ValueTask AttachAsync(BackendBase backend, CancellationToken cancellationToken) =>
        await Simulator.WaitForBindsAsync(1, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends the text as deliver_sm from <paramref name="identity"/>; completes when the backend answered it.</summary>
    /// <param name="identity">The sender.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancelled when the test times out.</param>
    public async ValueTask SendToBackendAsync(string identity, string text, CancellationToken cancellationToken) =>
        await Simulator.SendMessageAsync(identity, "8888", text, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<PeerMessage> ReceiveFromBackendAsync(CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _next) - 1;
        var messages = await Simulator.WaitForMessagesAsync(index + 1, cancellationToken).ConfigureAwait(false);
        return new PeerMessage(messages[index].To, messages[index].Text);
    }

    /// <summary>Stops the simulator.</summary>
    public ValueTask DisposeAsync() => Simulator.DisposeAsync();
}
