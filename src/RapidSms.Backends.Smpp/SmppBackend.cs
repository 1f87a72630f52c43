using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Session;

namespace RapidSms.Backends.Smpp;

/// <summary>
/// An SMPP 3.4 ESME: binds to an SMSC as a transceiver (or a transmitter + receiver pair), sends messages as
/// submit_sm (split into parts when long), receives deliver_sm and data_sm, and turns delivery receipts into
/// <see cref="DeliveryReport"/>s correlated to the outgoing message.
/// </summary>
/// <remarks>
/// <para>The link is kept up in the background: reconnect with exponential back-off and jitter, enquire_link on
/// idle, a window of outstanding requests with a timeout each. A deliver_sm is answered only after the router
/// accepted the message; if it cannot be, the answer is ESME_RX_T_APPN so the SMSC delivers it again.</para>
/// </remarks>
[BackendEngine("smpp", Aliases = ["rapidsms.backends.smpp", "rapidsms.backends.smpp.SmppBackend", "rapidsms.backends.smpp.outgoing.SmppBackend"])]
public sealed class SmppBackend : BackendBase<SmppOptions>
{
    private static readonly TimeSpan ReassemblyCheck = TimeSpan.FromMilliseconds(250);

    // submit_multi carries at most 255 destinations (number_of_dests is one octet); 254 as many SMSCs count a DL too.
    private const int MaxMultiDestinations = 254;

    private readonly Lock _linkGate = new();
    private readonly List<SmppConnection> _open = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<SmppRequest, SmppResponse> _onSubmitResponse;
    private readonly Action<SmppRequest, SmppResponse> _onMultiResponse;
    private readonly IMeterFactory? _meterFactory;
    private SmppMetrics? _metrics;
    private TaskCompletionSource<SmppConnection> _transmitterReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SmppConnection? _transmitter;
    private SmppConnectionSettings? _settings;
    private ReceiptTracker? _tracker;
    private SendGate? _gate;
    private TokenBucket? _bucket;
    private int _reference;
    private int _disposed;

    /// <summary>Creates the backend; the host configures and starts it.</summary>
    /// <param name="meterFactory">Where the backend's instruments (<see cref="SmppTelemetry"/>) are created; none without it.</param>
    public SmppBackend(IMeterFactory? meterFactory = null)
    {
        _meterFactory = meterFactory;
        _onSubmitResponse = OnSubmitResponse;
        _onMultiResponse = OnMultiResponse;
    }

    /// <summary>Whether a link that can send is bound now.</summary>
    public bool IsBound => Volatile.Read(ref _transmitter) is { IsOpen: true };

    /// <summary>
    /// How many SMSC message ids are remembered for receipt correlation; a part is filed under up to two forms
    /// of its id (as answered, and a hexadecimal id's decimal value). Bounded by <see cref="SmppOptions.MaxTrackedParts"/>.
    /// </summary>
    public int TrackedParts => _tracker?.Count ?? 0;

    private SmppConnectionSettings Settings => _settings ?? throw new InvalidOperationException("The SMPP backend is not configured.");

    /// <inheritdoc />
    protected override void OnConfigure(SmppOptions options)
    {
        _settings = new SmppConnectionSettings(
            options.SystemId,
            options.Password,
            options.SystemType,
            new SmppAddress(0, 0, options.AddressRange),
            options.WindowSize,
            options.RequestTimeout,
            options.EnquireLinkInterval,
            options.MaxPduLength);
        _tracker = new ReceiptTracker(options.MaxTrackedParts);
        _gate = new SendGate(TimeProvider);
        _bucket = options.MaxSubmitsPerSecond > 0 ? new TokenBucket(options.MaxSubmitsPerSecond, TimeProvider) : null;
    }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_meterFactory is not null && _metrics is null)
        {
            // The factory hands every caller in the host the same RapidSms meter and disposes it with the host, so it is not disposed here.
            _metrics = new SmppMetrics(_meterFactory.Create(new MeterOptions(RapidSmsTelemetry.Name)), Name, MeasureLinks, CountOutstanding);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopping.Token);
        var token = linked.Token;
        var links = Options.BindMode switch
        {
            SmppBindMode.TransmitterAndReceiver => new[]
            {
                RunLinkAsync("transmitter", SmppCommandId.BindTransmitter, transmits: true, receives: false, token),
                RunLinkAsync("receiver", SmppCommandId.BindReceiver, transmits: false, receives: true, token),
            },
            SmppBindMode.Transmitter => [RunLinkAsync("transmitter", SmppCommandId.BindTransmitter, transmits: true, receives: false, token)],
            SmppBindMode.Receiver => [RunLinkAsync("receiver", SmppCommandId.BindReceiver, transmits: false, receives: true, token)],
            _ => [RunLinkAsync("transceiver", SmppCommandId.BindTransceiver, transmits: true, receives: true, token)],
        };
        await Task.WhenAll(links).ConfigureAwait(false);
    }

    /// <summary>Unbinds every link cleanly (waiting up to the request timeout for unbind_resp) and stops reconnecting.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops waiting.</param>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        SmppConnection[] open;
        lock (_linkGate)
        {
            open = [.. _open];
            _open.Clear();
            _transmitter = null;
        }

        foreach (var connection in open)
        {
            Log.Unbinding(Logger, Name, connection.Role);
            await connection.UnbindAsync(cancellationToken).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        SmppConnection[] open;
        lock (_linkGate)
        {
            open = [.. _open];
            _open.Clear();
            _transmitter = null;
        }

        foreach (var connection in open)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _gate?.Dispose();
        _stopping.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="message"/> to each identity as one or more submit_sm PDUs. The fields in
    /// <see cref="SmppFields"/> override the source address and encoding for this message.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="identities">Phone numbers; a leading "+" sends the number as international (TON 1).</param>
    /// <param name="cancellationToken">Cancels waiting for a link or a window slot.</param>
    /// <returns>One result per identity; the backend message id is the SMSC's id of the first part.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var results = new RecipientResult[identities.Count];
        if (Options.BindMode == SmppBindMode.Receiver)
        {
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = RecipientResult.Failed(identities[i], $"SMPP backend {Name} binds as a receiver only (BindMode Receiver) and cannot send.");
            }

            return new SendResult(results);
        }

        var encoding = ReadEncoding(message);
        var source = ReadSource(message);
        if (identities.Count == 1)
        {
            results[0] = await SendToAsync(message, identities[0], encoding, source, cancellationToken).ConfigureAwait(false);
            return new SendResult(results);
        }

        if (Options.UseSubmitMulti && await SendMultiAsync(message, identities, encoding, source, cancellationToken).ConfigureAwait(false) is { } multi)
        {
            return multi;
        }

        // Several recipients share the window: submit to all of them at once rather than one round trip each.
        var sends = new Task<RecipientResult>[identities.Count];
        for (var i = 0; i < identities.Count; i++)
        {
            sends[i] = SendToAsync(message, identities[i], encoding, source, cancellationToken).AsTask();
        }

        for (var i = 0; i < sends.Length; i++)
        {
            results[i] = await sends[i].ConfigureAwait(false);
        }

        return new SendResult(results);
    }

    /// <summary>
    /// Asks the SMSC where a message it accepted stands (query_sm). The message was sent with the source address
    /// <paramref name="sourceAddress"/>, or <see cref="SmppOptions.SourceAddress"/> when null; SMSCs match on both.
    /// </summary>
    /// <param name="smscMessageId">The SMSC's id of the message: <see cref="RecipientResult.BackendMessageId"/> of the send.</param>
    /// <param name="sourceAddress">The source address the message was sent from, when it was overridden per message.</param>
    /// <param name="cancellationToken">Cancels waiting for a link or a window slot.</param>
    /// <returns>The message's state.</returns>
    /// <exception cref="SmppException">No link was bound in time (transient), or the SMSC answered with an error status (in <see cref="SmppException.Status"/>).</exception>
    public async Task<SmppQueryResult> QueryAsync(string smscMessageId, string? sourceAddress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(smscMessageId);
        var pdu = new SmppPdu(SmppCommandId.QuerySm) { MessageId = smscMessageId, Source = SourceFor(sourceAddress) };
        var answer = await RequestAsync(pdu, "query_sm", cancellationToken).ConfigureAwait(false);
        var state = answer?.MessageState ?? 0;
        var (status, isFinal) = SmppStatus.FromMessageState(state);
        return new SmppQueryResult(smscMessageId, state, status, isFinal, answer?.FinalDate ?? string.Empty, answer?.ErrorCode ?? 0);
    }

    /// <summary>Asks the SMSC to cancel a message it has not delivered yet (cancel_sm).</summary>
    /// <param name="smscMessageId">The SMSC's id of the message: <see cref="RecipientResult.BackendMessageId"/> of the send.</param>
    /// <param name="destination">The recipient it was sent to, as given to the send ("+" for international).</param>
    /// <param name="sourceAddress">The source address the message was sent from, when it was overridden per message.</param>
    /// <param name="cancellationToken">Cancels waiting for a link or a window slot.</param>
    /// <returns>A task that completes when the SMSC confirmed the cancellation.</returns>
    /// <exception cref="SmppException">No link was bound in time (transient), or the SMSC refused (already delivered: typically ESME_RCANCELFAIL).</exception>
    public async Task CancelAsync(string smscMessageId, string destination, string? sourceAddress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(smscMessageId);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var pdu = new SmppPdu(SmppCommandId.CancelSm)
        {
            ServiceType = Options.ServiceType,
            MessageId = smscMessageId,
            Source = SourceFor(sourceAddress),
            Destination = DestinationFor(destination),
        };
        await RequestAsync(pdu, "cancel_sm", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the SMSC to replace the text of a message it has not delivered yet (replace_sm). The SMSC keeps the
    /// message's data_coding, so the new text is encoded as <see cref="SmppOptions.Encoding"/> chooses and must fit
    /// in one part; send texts that stay in the original alphabet.
    /// </summary>
    /// <param name="smscMessageId">The SMSC's id of the message: <see cref="RecipientResult.BackendMessageId"/> of the send.</param>
    /// <param name="text">The new text.</param>
    /// <param name="sourceAddress">The source address the message was sent from, when it was overridden per message.</param>
    /// <param name="cancellationToken">Cancels waiting for a link or a window slot.</param>
    /// <returns>A task that completes when the SMSC confirmed the replacement.</returns>
    /// <exception cref="ArgumentException">The text cannot be encoded or needs more than one part.</exception>
    /// <exception cref="SmppException">No link was bound in time (transient), or the SMSC refused (typically ESME_RREPLACEFAIL).</exception>
    public async Task ReplaceAsync(string smscMessageId, string text, string? sourceAddress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(smscMessageId);
        ArgumentNullException.ThrowIfNull(text);
        var source = SourceFor(sourceAddress);
        var parts = OutgoingEncoder.Encode(text, Options, Options.Encoding, source, new SmppAddress(0, 0, "0"), 0, out var error)
            ?? throw new ArgumentException(error, nameof(text));
        if (parts.Count != 1 || parts[0].FindTlv(SmppTlvTag.MessagePayload) is not null)
        {
            throw new ArgumentException($"A replacement text must fit in one part; this one needs {parts.Count}.", nameof(text));
        }

        var pdu = new SmppPdu(SmppCommandId.ReplaceSm)
        {
            MessageId = smscMessageId,
            Source = source,
            RegisteredDelivery = Options.RegisteredDelivery,
            ShortMessage = parts[0].ShortMessage,
        };
        await RequestAsync(pdu, "replace_sm", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a one-part message as submit_multi; <see langword="null"/> when it needs several parts.</summary>
    private async ValueTask<SendResult?> SendMultiAsync(OutgoingMessage message, IReadOnlyList<string> identities, SmppTextEncoding encoding, SmppAddress source, CancellationToken cancellationToken)
    {
        var results = new RecipientResult[identities.Count];
        var parts = OutgoingEncoder.Encode(message.Text, Options, encoding, source, new SmppAddress(0, 0, "0"), 0, out var error);
        if (parts is null)
        {
            Log.SubmitFailed(Logger, Name, string.Join(", ", identities), error!);
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = RecipientResult.Failed(identities[i], error!);
            }

            return new SendResult(results);
        }

        if (parts.Count != 1)
        {
            return null;
        }

        var template = parts[0];
        var valid = new List<(int Index, SmppAddress Destination)>(identities.Count);
        for (var i = 0; i < identities.Count; i++)
        {
            var destination = DestinationFor(identities[i]);
            if (destination.Address.Length is 0 or > 20)
            {
                results[i] = RecipientResult.Failed(identities[i], $"'{identities[i]}' is not an SMPP destination address (1 to 20 characters after an optional '+').");
            }
            else
            {
                valid.Add((i, destination));
            }
        }

        foreach (var batch in valid.Chunk(MaxMultiDestinations))
        {
            var pdu = new SmppPdu(SmppCommandId.SubmitMulti)
            {
                ServiceType = template.ServiceType,
                Source = template.Source,
                EsmClass = template.EsmClass,
                RegisteredDelivery = template.RegisteredDelivery,
                DataCoding = template.DataCoding,
                ShortMessage = template.ShortMessage,
            };
            foreach (var (_, destination) in batch)
            {
                pdu.Destinations.Add(new SmppMultiDestination(destination));
            }

            var request = SmppRequest.Rent(pdu);
            if (Options.RegisteredDelivery != 0)
            {
                request.State = batch.Select(b => (b.Destination.Address, new TrackedPart(new TrackedMessage(message.Id, identities[b.Index], 1), 0))).ToArray();
                request.OnResponse = _onMultiResponse;
            }

            Outcome outcome;
            try
            {
                outcome = await SubmitAsync(request, $"{batch.Length} recipients", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                request.Return();
            }

            var unsuccessful = outcome.Response is { HasUnsuccessfulDestinations: true } response
                ? response.UnsuccessfulDestinations.ToDictionary(u => u.Address.Address, u => u.Status, StringComparer.Ordinal)
                : null;
            foreach (var (index, destination) in batch)
            {
                var identity = identities[index];
                if (!outcome.Succeeded)
                {
                    Log.SubmitFailed(Logger, Name, identity, outcome.Error);
                    if (outcome.Status is { } status)
                    {
                        await ReportFailureAsync(message, identity, status, outcome.Error, cancellationToken).ConfigureAwait(false);
                    }

                    results[index] = RecipientResult.Failed(identity, outcome.Error, outcome.IsTransient);
                }
                else if (unsuccessful is not null && unsuccessful.TryGetValue(destination.Address, out var failed))
                {
                    var what = $"the SMSC answered {SmppStatus.Describe(failed)} for this recipient of submit_multi";
                    Log.SubmitFailed(Logger, Name, identity, what);
                    await ReportFailureAsync(message, identity, failed, what, cancellationToken).ConfigureAwait(false);
                    results[index] = RecipientResult.Failed(identity, what, SmppStatus.IsTemporary(failed));
                }
                else
                {
                    results[index] = RecipientResult.Sent(identity, outcome.MessageId);
                }
            }
        }

        return new SendResult(results);
    }

    internal static string FormatIdentity(SmppAddress address) =>
        address.Ton == 1 && address.Address.Length > 0 && address.Address[0] != '+' ? "+" + address.Address : address.Address;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RecipientResult> SendToAsync(OutgoingMessage message, string identity, SmppTextEncoding encoding, SmppAddress source, CancellationToken cancellationToken)
    {
        var destination = DestinationFor(identity);
        if (destination.Address.Length is 0 or > 20)
        {
            return RecipientResult.Failed(identity, $"'{identity}' is not an SMPP destination address (1 to 20 characters after an optional '+').");
        }

        var reference = Interlocked.Increment(ref _reference);
        var parts = OutgoingEncoder.Encode(message.Text, Options, encoding, source, destination, Options.LongMessages == SmppLongMessageMode.Sar ? reference & 0xFFFF : reference & 0xFF, out var error);
        if (parts is null)
        {
            Log.SubmitFailed(Logger, Name, identity, error!);
            return RecipientResult.Failed(identity, error!);
        }

        // Parts are tracked for receipts only when receipts are asked for.
        var tracked = Options.RegisteredDelivery != 0 ? new TrackedMessage(message.Id, identity, parts.Count) : null;
        string? firstId = null;
        for (var i = 0; i < parts.Count; i++)
        {
            var request = SmppRequest.Rent(parts[i]);
            if (tracked is not null)
            {
                request.State = new TrackedPart(tracked, i);
                request.OnResponse = _onSubmitResponse;
            }

            Outcome outcome;
            try
            {
                outcome = await SubmitAsync(request, identity, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                request.Return();
            }

            if (!outcome.Succeeded)
            {
                var what = parts.Count > 1 ? $"part {i + 1} of {parts.Count}: {outcome.Error}" : outcome.Error;
                Log.SubmitFailed(Logger, Name, identity, what);
                if (outcome.Status is { } status)
                {
                    await ReportFailureAsync(message, identity, status, what, cancellationToken).ConfigureAwait(false);
                }

                // Once a part is accepted, sending the whole message again would duplicate it: not transient then.
                return RecipientResult.Failed(identity, what, outcome.IsTransient && i == 0);
            }

            firstId ??= outcome.MessageId;
        }

        return RecipientResult.Sent(identity, firstId);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> SubmitAsync(SmppRequest request, string identity, CancellationToken cancellationToken)
    {
        var gate = _gate!;
        var attempts = 0;
        var throttles = 0;
        var priority = false;
        while (true)
        {
            SmppConnection? connection;
            try
            {
                connection = await WaitForTransmitterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (priority)
            {
                // A throttled PDU that will not be sent again must not hold back the others.
                gate.PriorityDone();
                throw;
            }

            if (connection is null)
            {
                if (priority)
                {
                    gate.PriorityDone();
                }

                return Outcome.Failure(null, $"no SMPP link was bound within {Options.LinkWaitTimeout}", transient: true);
            }

            SmppResponse response;
            try
            {
                await gate.WaitAsync(priority, cancellationToken).ConfigureAwait(false);
                if (_bucket is not null)
                {
                    await _bucket.TakeAsync(cancellationToken).ConfigureAwait(false);
                }

                response = await connection.SendAsync(request, windowed: true, cancellationToken).ConfigureAwait(false);
                _metrics?.Answered(response.Status, _metrics.TimesSubmits ? TimeProvider.GetElapsedTime(request.SentTimestamp) : null);
            }
            catch (SmppException ex)
            {
                if (++attempts > Options.MaxRetries)
                {
                    return Outcome.Failure(null, ex.Message, transient: true);
                }

                Log.SubmitRetry(Logger, Name, identity, attempts, ex.Message);
                continue;
            }
            finally
            {
                if (priority)
                {
                    priority = false;
                    gate.PriorityDone();
                }
            }

            if (response.Status == SmppCommandStatus.Ok)
            {
                return new Outcome(true, response.MessageId, null, null, false, response.Pdu);
            }

            if (SmppStatus.IsThrottling(response.Status))
            {
                if (++throttles > Options.MaxThrottleRetries)
                {
                    return Outcome.Failure(response.Status, $"the SMSC kept answering {SmppStatus.Describe(response.Status)}", transient: true);
                }

                Log.Throttled(Logger, Name, response.Status, Options.ThrottlePause);
                gate.Throttle(Options.ThrottlePause);
                priority = true;
                continue;
            }

            if (SmppStatus.IsTemporary(response.Status) && attempts < Options.MaxRetries)
            {
                attempts++;
                Log.SubmitRetry(Logger, Name, identity, attempts, SmppStatus.Describe(response.Status));
                await Task.Delay(Backoff(attempts, Options.ThrottlePause, Options.MaxReconnectDelay), TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return Outcome.Failure(response.Status, $"the SMSC answered {SmppStatus.Describe(response.Status)}", SmppStatus.IsTemporary(response.Status));
        }
    }

    private async Task<SmppPdu?> RequestAsync(SmppPdu pdu, string what, CancellationToken cancellationToken)
    {
        if (Options.BindMode == SmppBindMode.Receiver)
        {
            throw new SmppException(Name, $"SMPP backend {Name} binds as a receiver only (BindMode Receiver) and cannot send {what}.", null, isTransient: false);
        }

        var connection = await WaitForTransmitterAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SmppException(Name, $"No SMPP link was bound within {Options.LinkWaitTimeout} for {what}.", null, isTransient: true);
        var request = SmppRequest.Create(pdu);
        SmppResponse response;
        try
        {
            response = await connection.SendAsync(request, windowed: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.ReturnBuffer();
        }

        if (response.Status != SmppCommandStatus.Ok)
        {
            throw new SmppException(Name, $"The SMSC answered {what} for message {pdu.MessageId} with {SmppStatus.Describe(response.Status)}.", response.Status, SmppStatus.IsTemporary(response.Status));
        }

        return response.Pdu;
    }

    private SmppAddress SourceFor(string? address) =>
        address is null ? ToSource(Options.SourceAddress, Options.SourceTon, Options.SourceNpi) : ToSource(address, null, null);

    private SmppAddress DestinationFor(string identity) => identity.StartsWith('+')
        ? new SmppAddress(1, Options.DestinationNpi, identity[1..])
        : new SmppAddress(Options.DestinationTon, Options.DestinationNpi, identity);

    private void OnMultiResponse(SmppRequest request, SmppResponse response)
    {
        if (response.Status != SmppCommandStatus.Ok || request.State is not (string Address, TrackedPart Part)[] recipients || string.IsNullOrEmpty(response.MessageId))
        {
            return;
        }

        var unsuccessful = response.Pdu is { HasUnsuccessfulDestinations: true } pdu
            ? pdu.UnsuccessfulDestinations.Select(u => u.Address.Address).ToHashSet(StringComparer.Ordinal)
            : null;
        foreach (var (address, part) in recipients)
        {
            if (unsuccessful?.Contains(address) == true)
            {
                continue;
            }

            // One id for every recipient: their receipts differ by their source address.
            part.Message.SmscIds[0] = response.MessageId;
            _tracker!.Register(response.MessageId, part, address);
        }
    }

    private void OnSubmitResponse(SmppRequest request, SmppResponse response)
    {
        if (response.Status != SmppCommandStatus.Ok || request.State is not TrackedPart part || string.IsNullOrEmpty(response.MessageId))
        {
            return;
        }

        part.Message.SmscIds[part.Index] = response.MessageId;
        _tracker!.Register(response.MessageId, part);
    }

    private async ValueTask ReportFailureAsync(OutgoingMessage message, string identity, SmppCommandStatus status, string error, CancellationToken cancellationToken)
    {
        var report = new DeliveryReport(Name, identity, SmppStatus.ToDeliveryStatus(status), TimeProvider.GetUtcNow())
        {
            MessageId = message.Id,
            ErrorCode = $"0x{(uint)status:X8}",
            Detail = error,
        };
        try
        {
            await ReportDeliveryAsync(report, cancellationToken).ConfigureAwait(false);
        }
        catch (RouterClosedException ex)
        {
            Log.ReceiptNotReported(Logger, Name, string.Empty, ex.Message);
        }
    }

    private Measurement<int>[] MeasureLinks()
    {
        string[] roles = Options.BindMode switch
        {
            SmppBindMode.TransmitterAndReceiver => ["transmitter", "receiver"],
            SmppBindMode.Transmitter => ["transmitter"],
            SmppBindMode.Receiver => ["receiver"],
            _ => ["transceiver"],
        };
        var measurements = new Measurement<int>[roles.Length];
        lock (_linkGate)
        {
            for (var i = 0; i < roles.Length; i++)
            {
                var bound = _open.Exists(c => c.IsOpen && c.Role == roles[i]);
                measurements[i] = new Measurement<int>(bound ? 1 : 0, _metrics!.BackendTag, new KeyValuePair<string, object?>(SmppTelemetry.BindTag, roles[i]));
            }
        }

        return measurements;
    }

    private int CountOutstanding()
    {
        SmppConnection[] open;
        lock (_linkGate)
        {
            open = [.. _open];
        }

        var outstanding = 0;
        foreach (var connection in open)
        {
            outstanding += connection.Outstanding;
        }

        return outstanding;
    }

    private async ValueTask<SmppConnection?> WaitForTransmitterAsync(CancellationToken cancellationToken)
    {
        var connection = Volatile.Read(ref _transmitter);
        if (connection is { IsOpen: true })
        {
            return connection;
        }

        var deadline = TimeProvider.GetTimestamp();
        while (true)
        {
            Task<SmppConnection> ready;
            lock (_linkGate)
            {
                ready = _transmitterReady.Task;
            }

            var left = Options.LinkWaitTimeout - TimeProvider.GetElapsedTime(deadline);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                connection = await ready.WaitAsync(left, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }

            if (connection.IsOpen)
            {
                return connection;
            }

            // A link that closed since: wait for the next one.
            await Task.Yield();
        }
    }

    private void SetTransmitter(SmppConnection connection)
    {
        lock (_linkGate)
        {
            _transmitter = connection;
            _transmitterReady.TrySetResult(connection);
        }
    }

    private void ClearTransmitter(SmppConnection connection)
    {
        lock (_linkGate)
        {
            if (ReferenceEquals(_transmitter, connection))
            {
                _transmitter = null;
            }

            if (_transmitterReady.Task.IsCompleted)
            {
                _transmitterReady = new TaskCompletionSource<SmppConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task RunLinkAsync(string role, SmppCommandId bind, bool transmits, bool receives, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            SmppConnection? connection = null;
            var keep = false;
            try
            {
                Log.Connecting(Logger, Name, role, Options.Host, Options.Port);
                var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
                connection = new SmppConnection(stream, Settings, TimeProvider, Logger, Name, role, _metrics is { } metrics ? metrics.TimedOut : null);
                connection.Start();
                var bound = await connection.BindAsync(bind, Settings, cancellationToken).ConfigureAwait(false);
                Log.Bound(Logger, Name, role, Options.SystemId, bound.SystemId);
                attempt = 0;
                lock (_linkGate)
                {
                    _open.Add(connection);
                }

                var requests = receives ? ProcessRequestsAsync(connection, cancellationToken) : Task.CompletedTask;
                if (transmits)
                {
                    SetTransmitter(connection);
                }

                try
                {
                    await connection.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopping: keep the link so the router can drain; StopAsync unbinds it.
                    keep = true;
                    await requests.ConfigureAwait(false);
                    return;
                }

                await requests.ConfigureAwait(false);
                Log.ConnectionLost(Logger, Name, role, connection.CloseReason?.Message ?? "unbound");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SmppException or IOException or SocketException or AuthenticationException or TimeoutException)
            {
                Log.BindFailed(Logger, Name, role, ex.Message);
            }
            finally
            {
                if (connection is not null && !keep)
                {
                    if (transmits)
                    {
                        ClearTransmitter(connection);
                    }

                    lock (_linkGate)
                    {
                        _open.Remove(connection);
                    }

                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            var delay = Backoff(attempt++, Options.ReconnectDelay, Options.MaxReconnectDelay);
            Log.Reconnecting(Logger, Name, role, delay, attempt);
            _metrics?.Reconnecting(role);
            try
            {
                await Task.Delay(delay, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout);
        try
        {
            if (Options.ConnectionFactory is { } factory)
            {
                return await factory(Options, timeout.Token).ConfigureAwait(false);
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(Options.Host, Options.Port, timeout.Token).ConfigureAwait(false);
                Stream stream = new NetworkStream(socket, ownsSocket: true);
                if (!Options.UseTls)
                {
                    return stream;
                }

                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await tls.AuthenticateAsClientAsync(
                        new SslClientAuthenticationOptions
                        {
                            TargetHost = Options.TlsTargetHost ?? Options.Host,
#pragma warning disable CA5359 // Only when AllowInvalidCertificate is set, for test SMSCs with self-signed certificates.
                            RemoteCertificateValidationCallback = Options.AllowInvalidCertificate ? (_, _, _, _) => true : null,
#pragma warning restore CA5359
                        },
                        timeout.Token).ConfigureAwait(false);
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
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {Options.Host}:{Options.Port} took longer than {Options.ConnectTimeout}.");
        }
    }

    private async Task ProcessRequestsAsync(SmppConnection connection, CancellationToken cancellationToken)
    {
        var buffer = new ConcatenationBuffer(TimeProvider, Options.ReassemblyTimeout);
        var reader = connection.Requests;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(ReassemblyCheck, TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    more = true;
                }

                if (!more)
                {
                    return;
                }

                while (reader.TryRead(out var pdu))
                {
                    await HandleRequestAsync(connection, pdu, buffer, cancellationToken).ConfigureAwait(false);
                }

                if (buffer.TakeExpired() is { } expired)
                {
                    foreach (var entry in expired)
                    {
                        Log.ReassemblyTimedOut(Logger, Name, entry.From, entry.Reference, entry.Received, entry.Total, Options.ReassemblyTimeout);
                        await DeliverAsync(connection, entry.From, entry.Text, entry.First, entry.Pdus, entry.Total, incomplete: true, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (buffer.TakeStalled(Options.PartAnswerTimeout) is { } stalled)
                {
                    // The SMSC may wait for these answers before it sends the rest. From here the parts live only in
                    // memory until the message is complete.
                    Log.PartsAnsweredEarly(Logger, Name, stalled.Count, Options.PartAnswerTimeout);
                    foreach (var part in stalled)
                    {
                        Answer(connection, part, SmppCommandStatus.Ok);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the router takes nothing more. Parts held for reassembly, what is queued and what still
            // arrives until the link is unbound are refused with a temporary error, so the SMSC delivers them again
            // later instead of waiting on an answer that never comes.
            var refused = 0;
            foreach (var entry in buffer.TakeAll())
            {
                foreach (var pdu in entry.Pdus)
                {
                    Answer(connection, pdu, SmppCommandStatus.ReceiverTemporaryAppError);
                    refused++;
                }
            }

            if (refused > 0)
            {
                Log.RefusedWhileStopping(Logger, Name, refused, SmppCommandStatus.ReceiverTemporaryAppError);
            }

            _ = RefuseUntilClosedAsync(connection);
        }
    }

    private async Task RefuseUntilClosedAsync(SmppConnection connection)
    {
        var refused = 0;
        try
        {
            // The channel completes when the link closes (unbind on stop, or dispose).
            await foreach (var pdu in connection.Requests.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (pdu.CommandId is SmppCommandId.DeliverSm or SmppCommandId.DataSm)
                {
                    Answer(connection, pdu, SmppCommandStatus.ReceiverTemporaryAppError);
                    refused++;
                }
            }
        }
        finally
        {
            if (refused > 0)
            {
                Log.RefusedWhileStopping(Logger, Name, refused, SmppCommandStatus.ReceiverTemporaryAppError);
            }
        }
    }

    private async Task HandleRequestAsync(SmppConnection connection, SmppPdu pdu, ConcatenationBuffer buffer, CancellationToken cancellationToken)
    {
        switch (pdu.CommandId)
        {
            case SmppCommandId.AlertNotification:
                Log.AlertNotification(Logger, Name, FormatIdentity(pdu.Source));
                return;
            case SmppCommandId.Outbind:
                Log.OutbindIgnored(Logger, Name);
                return;
        }

        var payload = pdu.FindTlv(SmppTlvTag.MessagePayload)?.Value ?? pdu.ShortMessage;
        if (TryReadReceipt(pdu, payload.Span, out var receipt))
        {
            await HandleReceiptAsync(connection, pdu, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var span = payload.Span;
        var headerLength = 0;
        SmppConcatenation? concatenation = null;
        if ((pdu.EsmClass & 0x40) != 0 && !span.IsEmpty)
        {
            if (!SmppUserDataHeader.TryRead(span, out headerLength, out concatenation))
            {
                Log.MalformedUdh(Logger, Name, pdu.CommandId);
                headerLength = Math.Min(span[0] + 1, span.Length);
            }
        }

        if (concatenation is null
            && pdu.FindTlv(SmppTlvTag.SarMessageReferenceNumber)?.AsUInt32() is { } sarReference
            && pdu.FindTlv(SmppTlvTag.SarTotalSegments)?.AsUInt32() is { } sarTotal and > 0 and <= 255
            && pdu.FindTlv(SmppTlvTag.SarSegmentSequenceNumber)?.AsUInt32() is { } sarSequence and > 0
            && sarSequence <= sarTotal)
        {
            concatenation = new SmppConcatenation((ushort)sarReference, (byte)sarTotal, (byte)sarSequence);
        }

        var alphabet = SmppText.GetAlphabet(pdu.DataCoding, Options.DefaultAlphabet);
        var packed = Options.Gsm7Packed && alphabet == SmppAlphabet.Gsm7;
        var fill = packed && headerLength > 0 ? (7 - (headerLength * 8 % 7)) % 7 : 0;
        var text = SmppText.Decode(span[headerLength..], alphabet, packed, fill);
        var from = FormatIdentity(pdu.Source);
        if (from.Length == 0)
        {
            // Nobody to answer: delivering it again would not help, so refuse it for good (and say so in the log).
            Log.IncomingRejected(Logger, Name, "(empty)", "the message has no source address", SmppCommandStatus.InvalidSourceAddress);
            Answer(connection, pdu, SmppCommandStatus.InvalidSourceAddress);
            return;
        }

        if (concatenation is { Total: > 1 } part)
        {
            if (buffer.Add(from, pdu.Destination.Address, part, text, pdu) is { } complete)
            {
                await DeliverAsync(connection, from, complete.Text, pdu, complete.Pdus, complete.Total, incomplete: false, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await DeliverAsync(connection, from, text, pdu, [pdu], parts: 1, incomplete: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeliverAsync(SmppConnection connection, string from, string text, SmppPdu first, List<SmppPdu> pdus, int parts, bool incomplete, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, object?>>(4)
        {
            new(SmppFields.DestinationAddress, first.Destination.Address),
            new(SmppFields.DataCoding, first.DataCoding),
        };
        if (parts > 1)
        {
            fields.Add(new(SmppFields.Parts, parts));
        }

        if (incomplete)
        {
            fields.Add(new(SmppFields.Incomplete, true));
        }

        var status = SmppCommandStatus.Ok;
        try
        {
            await ReceiveAsync(from, text, null, fields, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping before the router took it: not accepted, so ask for it again later.
            foreach (var pdu in pdus)
            {
                Answer(connection, pdu, SmppCommandStatus.ReceiverTemporaryAppError);
            }

            Log.RefusedWhileStopping(Logger, Name, pdus.Count, SmppCommandStatus.ReceiverTemporaryAppError);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // RouterClosedException (the host is stopping) or any other refusal: not accepted.
            status = SmppCommandStatus.ReceiverTemporaryAppError;
            Log.IncomingRejected(Logger, Name, from, ex.Message, status);
        }

        foreach (var pdu in pdus)
        {
            Answer(connection, pdu, status);
        }
    }

    private static void Answer(SmppConnection connection, SmppPdu pdu, SmppCommandStatus status) =>
        connection.Respond(pdu.CommandId == SmppCommandId.DataSm ? SmppCommandId.DataSmResp : SmppCommandId.DeliverSmResp, status, pdu.SequenceNumber);

    private bool TryReadReceipt(SmppPdu pdu, ReadOnlySpan<byte> payload, out ReceiptInfo receipt)
    {
        receipt = default;
        var receiptType = pdu.EsmClass & 0x3C;
        var flagged = receiptType is 0x04 or 0x08 or 0x10 or 0x20;
        var receiptedId = pdu.FindTlv(SmppTlvTag.ReceiptedMessageId)?.AsString();
        var state = pdu.FindTlv(SmppTlvTag.MessageState)?.AsUInt32();
        string? text = null;
        SmppDeliveryReceipt? parsed = null;
        if (flagged || receiptedId is not null || LooksLikeReceipt(payload))
        {
            text = SmppText.Decode(payload, SmppText.GetAlphabet(pdu.DataCoding, Options.DefaultAlphabet) is SmppAlphabet.Ucs2 ? SmppAlphabet.Ucs2 : SmppAlphabet.Latin1);
            if (!SmppDeliveryReceipt.TryParse(text, out parsed))
            {
                parsed = null;
            }
        }

        if (!flagged && receiptedId is null && parsed is null)
        {
            return false;
        }

        var id = receiptedId ?? parsed?.Id;
        var (status, isFinal) = state is { } s ? SmppStatus.FromMessageState(s)
            : parsed is not null ? SmppStatus.FromReceiptState(parsed.State)
            : (DeliveryStatus.Unknown, true);
        var error = parsed?.Error;
        if (pdu.FindTlv(SmppTlvTag.NetworkErrorCode) is { Value.Length: 3 } network)
        {
            var v = network.Value.Span;
            error = $"{v[0]}:{(v[1] << 8) | v[2]}";
        }

        receipt = new ReceiptInfo(id ?? string.Empty, status, isFinal, error, text);
        return true;
    }

    private static bool LooksLikeReceipt(ReadOnlySpan<byte> payload) =>
        payload.IndexOf("id:"u8) >= 0 && (payload.IndexOf("stat:"u8) >= 0 || payload.IndexOf("STAT:"u8) >= 0);

    private async Task HandleReceiptAsync(SmppConnection connection, SmppPdu pdu, ReceiptInfo receipt, CancellationToken cancellationToken)
    {
        if (receipt.Id.Length == 0)
        {
            Log.ReceiptUncorrelated(Logger, Name, "(none)");
            Answer(connection, pdu, SmppCommandStatus.Ok);
            return;
        }

        if (_tracker!.TryFind(receipt.Id, pdu.Source.Address, out var part))
        {
            await ReportReceiptAsync(connection, pdu, receipt, part, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The receipt may have overtaken the submit_sm_resp that names its id: wait for it without holding up other messages.
        _ = Task.Run(
            async () =>
            {
                TrackedPart? late;
                try
                {
                    late = await _tracker.WaitForAsync(receipt.Id, pdu.Source.Address, Options.ReceiptWait, TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping while waiting: the SMSC sends the receipt again later.
                    Answer(connection, pdu, SmppCommandStatus.ReceiverTemporaryAppError);
                    return;
                }

                await ReportReceiptAsync(connection, pdu, receipt, late, cancellationToken).ConfigureAwait(false);
            },
            CancellationToken.None);
    }

    private async Task ReportReceiptAsync(SmppConnection connection, SmppPdu pdu, ReceiptInfo receipt, TrackedPart? part, CancellationToken cancellationToken)
    {
        DeliveryReport? report;
        if (part is null)
        {
            Log.ReceiptUncorrelated(Logger, Name, receipt.Id);
            report = new DeliveryReport(Name, FormatIdentity(pdu.Source), receipt.Status, TimeProvider.GetUtcNow())
            {
                BackendMessageId = receipt.Id,
                ErrorCode = receipt.Error,
                Detail = receipt.Text,
            };
        }
        else
        {
            var status = part.Message.Record(part.Index, receipt.Status, receipt.IsFinal);
            report = status is { } s
                ? new DeliveryReport(Name, part.Message.Identity, s, TimeProvider.GetUtcNow())
                {
                    MessageId = part.Message.MessageId,
                    BackendMessageId = part.Message.SmscIds[0] ?? receipt.Id,
                    ErrorCode = receipt.Error,
                    Detail = receipt.Text,
                }
                : null;
        }

        var answer = SmppCommandStatus.Ok;
        if (report is not null)
        {
            try
            {
                await ReportDeliveryAsync(report, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                answer = SmppCommandStatus.ReceiverTemporaryAppError;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ReceiptNotReported(Logger, Name, receipt.Id, ex.Message);
                answer = SmppCommandStatus.ReceiverTemporaryAppError;
            }
        }

        Answer(connection, pdu, answer);
    }

    private SmppTextEncoding ReadEncoding(OutgoingMessage message)
    {
        if (message.HasFields && message.Fields.TryGetValue(SmppFields.Encoding, out var value) && value is not null)
        {
            if (value is SmppTextEncoding encoding)
            {
                return encoding;
            }

            if (Enum.TryParse<SmppTextEncoding>(value.ToString(), ignoreCase: true, out var parsed))
            {
                return parsed;
            }
        }

        return Options.Encoding;
    }

    private SmppAddress ReadSource(OutgoingMessage message)
    {
        var address = Options.SourceAddress;
        byte? ton = Options.SourceTon;
        byte? npi = Options.SourceNpi;
        if (message.HasFields)
        {
            if (message.Fields.TryGetValue(SmppFields.SourceAddress, out var a) && a is not null)
            {
                address = Convert.ToString(a, CultureInfo.InvariantCulture) ?? address;
                ton = null;
                npi = null;
            }

            if (message.Fields.TryGetValue(SmppFields.SourceTon, out var t) && t is not null)
            {
                ton = Convert.ToByte(t, CultureInfo.InvariantCulture);
            }

            if (message.Fields.TryGetValue(SmppFields.SourceNpi, out var n) && n is not null)
            {
                npi = Convert.ToByte(n, CultureInfo.InvariantCulture);
            }
        }

        return ToSource(address, ton, npi);
    }

    private static SmppAddress ToSource(string address, byte? ton, byte? npi)
    {
        if (address.Length == 0)
        {
            return new SmppAddress(ton ?? 0, npi ?? 0, string.Empty);
        }

        var international = address[0] == '+';
        var digits = international ? address[1..] : address;
        var alphanumeric = !digits.All(char.IsAsciiDigit);
        return new SmppAddress(
            ton ?? (byte)(alphanumeric ? 5 : international ? 1 : 0),
            npi ?? (byte)(alphanumeric ? 0 : 1),
            alphanumeric ? address : digits);
    }

    private static TimeSpan Backoff(int attempt, TimeSpan first, TimeSpan max)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(exponential, max.TotalMilliseconds);

        // Full jitter over the upper half: links that dropped together do not reconnect together.
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
#pragma warning restore CA5394
    }

    private readonly record struct ReceiptInfo(string Id, DeliveryStatus Status, bool IsFinal, string? Error, string? Text);

    private readonly record struct Outcome(bool Succeeded, string? MessageId, SmppCommandStatus? Status, string? ErrorText, bool IsTransient, SmppPdu? Response = null)
    {
        public string Error => ErrorText ?? "unknown error";

        public static Outcome Failure(SmppCommandStatus? status, string error, bool transient) => new(false, null, status, error, transient);
    }
}
