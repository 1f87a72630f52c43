using System.Globalization;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>
/// A real Kannel (bearerbox + smsbox, from tests/peers/kannel/kannel-smpp.conf.template) whose SMSC is
/// RapidSms.Testing's <see cref="SmppSimulator"/>: bearerbox binds to it as an SMPP 3.4 transceiver.
/// </summary>
public sealed class KannelSmppPeer : IAsyncDisposable
{
    public const string SystemId = "kannel";
    public const string SmppPassword = "smpp-pw";

    private readonly KannelBoxes _boxes;

    private KannelSmppPeer(KannelBoxes boxes, SmppSimulator simulator)
    {
        _boxes = boxes;
        Simulator = simulator;
    }

    /// <summary>The SMSC Kannel is bound to.</summary>
    public SmppSimulator Simulator { get; }

    /// <summary>
    /// Starts a simulator that accepts only Kannel's credentials, then Kannel bound to it, and waits until Kannel
    /// reports the link online.
    /// </summary>
    /// <param name="hexMessageIds">Start the simulator with <see cref="SmppSimulatorOptions.HexMessageIds"/> (and tell Kannel so).</param>
    public static async Task<KannelSmppPeer> StartAsync(bool hexMessageIds = false)
    {
        var boxes = KannelBoxes.Create();
        var simulator = SmppSimulator.Start(new SmppSimulatorOptions
        {
            SystemId = SystemId,
            Password = SmppPassword,
            AutoReceipts = true,
            HexMessageIds = hexMessageIds,
        });
        var peer = new KannelSmppPeer(boxes, simulator);
        try
        {
            var placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SMPP_PORT"] = simulator.Port.ToString(CultureInfo.InvariantCulture),
                ["SMPP_SYSTEM_ID"] = SystemId,
                ["SMPP_PASSWORD"] = SmppPassword,

                // Bit 0: submit_sm_resp ids are hex; receipts name the message in decimal either way.
                ["MSG_ID_TYPE"] = hexMessageIds ? "1" : "0",
            };
            await boxes.StartAsync("kannel-smpp.conf.template", placeholders, "simulator", secret: null, "/kannel", async _ =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await simulator.WaitForBindsAsync(1, timeout.Token);
                }
                catch (OperationCanceledException ex)
                {
                    throw new TimeoutException("Kannel did not bind to the simulator." + Environment.NewLine + boxes.DescribeLogs(), ex);
                }
            });
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Points the backend at this Kannel: sendsms with credentials, self-hosted get-url/dlr-url listener.</summary>
    public void Configure(KannelOptions options) => _boxes.Configure(options);

    /// <summary>The logs of both boxes, for failure messages.</summary>
    public string DescribeLogs() => _boxes.DescribeLogs();

    public async ValueTask DisposeAsync()
    {
        // Kannel first, so that it unbinds from a simulator that still answers.
        await _boxes.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
