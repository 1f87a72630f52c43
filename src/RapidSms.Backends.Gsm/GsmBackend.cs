using System.Diagnostics.Metrics;
using RapidSms.Backends.Gsm.Protocol;
using RapidSms.Backends.Gsm.Session;
using RapidSms.Backends.Gsm.Transport;

namespace RapidSms.Backends.Gsm;

/// <summary>
/// A GSM modem with a SIM card, driven by AT commands over a serial device or TCP (RapidSMS's
/// <c>rapidsms.backends.gsm</c>). Messages are read when the modem announces them (<c>+CMTI</c>) and by a
/// periodic sweep, handed to the router, and deleted from the SIM only after the router has them.
/// Several modems are several backends on this engine, each with its own name.
/// </summary>
[BackendEngine("gsm", Aliases = ["rapidsms.backends.gsm", "rapidsms.backends.gsm.GsmBackend"])]
public sealed class GsmBackend : BackendBase<GsmOptions>
{
    /// <summary>The field holding the service-centre timestamp (a <see cref="DateTimeOffset"/>) on received messages.</summary>
    public const string TimestampField = "gsm.timestamp";

    /// <summary>The field holding the number of parts a received message had.</summary>
    public const string PartsField = "gsm.parts";

    /// <summary>
    /// The field set to <see langword="true"/> on a long message routed without all its parts, because the rest did not
    /// arrive within <see cref="GsmOptions.IncompleteMessageTimeout"/>; absent on complete messages.
    /// </summary>
    public const string IncompleteField = "gsm.incomplete";

    /// <summary>The field holding the sequence numbers (from 1, an <c>int[]</c>) of the parts an incomplete message lacks; absent on complete messages.</summary>
    public const string MissingPartsField = "gsm.parts.missing";

    private const int MaxPartialSends = 256;
    private readonly IMeterFactory? _meterFactory;
    private readonly Lock _gate = new();
    private readonly HashSet<(string Storage, int Index)> _parked = [];
    private readonly PartCollector<HeldPart> _parts = new();
    private readonly Dictionary<int, ReportTracker> _trackers = [];
    private readonly Dictionary<int, SmsStatusReport> _earlyReports = [];
    private readonly Dictionary<string, DateTimeOffset> _heldSince = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<(string MessageId, string Identity), PartialSend> _partialSends = [];
    private ProcessedCache _processed = new(1000);
    private GsmModemProfile _profile = GsmModemProfile.Generic;
    private TaskCompletionSource<ModemSession> _ready = NewReady();
    private ModemSession? _session;
    private Meter? _meter;
    private Counter<long>? _receivedCounter;
    private Counter<long>? _sentCounter;
    private Counter<long>? _failureCounter;
    private Counter<long>? _reportCounter;
    private Counter<long>? _reconnectCounter;
    private KeyValuePair<string, object?> _backendTag;
    private GsmModemState _state;
    private string? _lastError;
    private int _reference = Random.Shared.Next(0, 0xFFFF);
    private long _received;
    private long _sent;
    private long _failures;
    private long _reports;
    private long _reconnects;

    /// <summary>Creates the backend; the host supplies the meter factory when metrics are registered.</summary>
    /// <param name="meterFactory">Creates the <c>RapidSms</c> meter; <see langword="null"/> for no metrics.</param>
    public GsmBackend(IMeterFactory? meterFactory = null)
    {
        _meterFactory = meterFactory;
    }

    /// <summary>The modem's state, network, signal and counters right now.</summary>
    public GsmModemStatus Status
    {
        get
        {
            var session = _session;
            lock (_gate)
            {
                return new GsmModemStatus
                {
                    State = _state,
                    Manufacturer = session?.Manufacturer,
                    Model = session?.Model,
                    Mode = session?.Mode ?? Options.Mode,
                    Registration = session?.Registration ?? GsmRegistration.Unknown,
                    Operator = session?.Operator,
                    SignalQuality = session?.SignalQuality,
                    MessagesReceived = Interlocked.Read(ref _received),
                    PartsSent = Interlocked.Read(ref _sent),
                    SendFailures = Interlocked.Read(ref _failures),
                    StatusReports = Interlocked.Read(ref _reports),
                    Reconnects = Interlocked.Read(ref _reconnects),
                    ParkedMessages = _parked.Count,
                    HeldParts = _parts.PendingParts,
                    LastError = _lastError,
                };
            }
        }
    }

    /// <summary>Asks the modem for signal, registration and operator now, and returns the new status.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="GsmModemException">The modem is not connected or did not answer.</exception>
    public async Task<GsmModemStatus> RefreshStatusAsync(CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new GsmModemException(Name, "AT+CSQ", AtResultKind.Error, null, "the modem is not connected");
        await session.RefreshStatusAsync(cancellationToken).ConfigureAwait(false);
        return Status;
    }

    /// <summary>Waits until the modem is initialised and ready to send and receive (at once when it already is).</summary>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var ready = _ready;
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(ready, _ready))
            {
                return;
            }
        }
    }

    /// <inheritdoc />
#pragma warning disable CA2208 // ParamName carries the option's key: the host names it in the start-up error.
    protected override void OnConfigure(GsmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectionFactory is null)
        {
            if (string.IsNullOrWhiteSpace(options.Port))
            {
                throw new ArgumentException("Port is required: a serial device such as /dev/ttyUSB1, or tcp://HOST:PORT.", nameof(GsmOptions.Port));
            }

            if (GsmTransport.IsTcp(options.Port))
            {
                GsmTransport.ParseTcp(options.Port);
            }
            else if (Termios.SpeedOf(options.BaudRate) is null)
            {
                throw new ArgumentException($"BaudRate {options.BaudRate} is not a serial speed Linux supports; use 9600, 19200, 38400, 57600, 115200, 230400, 460800 or 921600.", nameof(GsmOptions.BaudRate));
            }
        }

        if (options.ValidityPeriod is { } validity && (validity < TimeSpan.FromMinutes(5) || validity > TimeSpan.FromDays(63 * 7)))
        {
            throw new ArgumentException($"ValidityPeriod {validity} is outside what SMS can carry (5 minutes to 63 weeks).", nameof(GsmOptions.ValidityPeriod));
        }

        if (!GsmModemProfile.Known.TryGetValue(options.Profile, out var profile))
        {
            throw new ArgumentException($"Profile '{options.Profile}' is unknown; use one of: {string.Join(", ", GsmModemProfile.Known.Keys)}.", nameof(GsmOptions.Profile));
        }

        if (options.DeleteCommand is { Length: > 0 } delete && !delete.Contains("{0}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"DeleteCommand '{delete}' must contain {{0}} where the index goes, such as AT+CMGD={{0}}.", nameof(GsmOptions.DeleteCommand));
        }

        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            throw new ArgumentException("MaxReconnectDelay must not be shorter than ReconnectDelay.", nameof(GsmOptions.MaxReconnectDelay));
        }

        _profile = profile;
        _processed = new ProcessedCache(options.ProcessedCacheSize);
    }
#pragma warning restore CA2208

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _backendTag = new KeyValuePair<string, object?>(RapidSmsTelemetry.BackendTag, Name);
        if (_meterFactory is not null && _meter is null)
        {
            // The factory hands every caller in the host the same RapidSms meter and disposes it with the host, so it is not disposed here.
            _meter = _meterFactory.Create(new MeterOptions(RapidSmsTelemetry.Name));
            _receivedCounter = _meter.CreateCounter<long>(GsmTelemetry.MessagesReceived, "{message}", "Messages read from the modem and handed to the router.");
            _sentCounter = _meter.CreateCounter<long>(GsmTelemetry.PartsSent, "{part}", "Parts the modem accepted for sending.");
            _failureCounter = _meter.CreateCounter<long>(GsmTelemetry.SendFailures, "{message}", "Sends that failed after retries.");
            _reportCounter = _meter.CreateCounter<long>(GsmTelemetry.StatusReports, "{report}", "Status reports received.");
            _reconnectCounter = _meter.CreateCounter<long>(GsmTelemetry.Reconnects, "{reconnect}", "Times the modem link was reopened.");
            _meter.CreateObservableGauge(GsmTelemetry.SignalStrength, () => _session?.SignalQuality is { } q ? [new Measurement<int>(-113 + (2 * q), _backendTag)] : Array.Empty<Measurement<int>>(), "dBm", "Signal strength.");
            _meter.CreateObservableGauge(GsmTelemetry.Registered, () => new Measurement<int>(_session?.Registration is GsmRegistration.Home or GsmRegistration.Roaming ? 1 : 0, _backendTag), "{state}", "Whether the modem is registered on a network.");
            _meter.CreateObservableGauge(GsmTelemetry.Ready, () => new Measurement<int>(_state == GsmModemState.Ready ? 1 : 0, _backendTag), "{state}", "Whether the modem link is ready.");
            _meter.CreateObservableGauge(GsmTelemetry.ParkedMessages, () => new Measurement<int>(Status.ParkedMessages, _backendTag), "{message}", "Stored messages that cannot be decoded.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            SetState(GsmModemState.Connecting);
            ModemSession? session = null;
            try
            {
                Log.Opening(Logger, Name, Options.ConnectionFactory is null ? Options.Port : "(connection factory)");
                var stream = await GsmTransport.OpenAsync(Options, stoppingToken).ConfigureAwait(false);
                session = new ModemSession(new AtChannel(stream, Name, Logger, TimeProvider, maxConsecutiveTimeouts: 2), Options, _profile, Name, Logger, TimeProvider);
                await session.BootAsync(stoppingToken).ConfigureAwait(false);
                _session = session;
                SetState(GsmModemState.Ready);
                _ready.TrySetResult(session);
                Log.Ready(Logger, Name, session.Manufacturer, session.Model, session.Mode.ToString(), session.Registration.ToString(), session.Operator, session.SignalQuality is { } q ? FormattableString.Invariant($"{-113 + (2 * q)} dBm") : "unknown");
                failures = 0;
                await RunSessionAsync(session, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RouterClosedException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                var delay = Backoff(failures++);
                lock (_gate)
                {
                    _lastError = ex.Message;
                }

                SetState(GsmModemState.Reconnecting);
                Log.LinkFailed(Logger, Name, delay, ex);
                Interlocked.Increment(ref _reconnects);
                _reconnectCounter?.Add(1, _backendTag);
                await CloseSessionAsync(session).ConfigureAwait(false);
                session = null;
                try
                {
                    await Task.Delay(delay, TimeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                await CloseSessionAsync(session).ConfigureAwait(false);
            }
        }

        SetState(GsmModemState.Stopped);
    }

    /// <inheritdoc />
    public override async ValueTask<SendResult> SendAsync(OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var session = await WaitForSessionAsync(cancellationToken).ConfigureAwait(false);
        var results = new RecipientResult[identities.Count];
        for (var i = 0; i < identities.Count; i++)
        {
            var identity = identities[i];
            if (session is null)
            {
                results[i] = RecipientResult.Failed(identity, $"The modem is not ready ({_state}): {_lastError ?? "still connecting"}.", isTransient: true);
                continue;
            }

            results[i] = await SendOneAsync(session, message, identity, cancellationToken).ConfigureAwait(false);
        }

        return new SendResult(results);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await CloseSessionAsync(_session).ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource<ModemSession> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<RecipientResult> SendOneAsync(ModemSession session, OutgoingMessage message, string identity, CancellationToken cancellationToken)
    {
        var address = SmsAddress.Parse(identity);
        if (address.IsAlphanumeric)
        {
            return RecipientResult.Failed(identity, $"'{identity}' is not a phone number; a modem sends to digits with an optional leading '+'.");
        }

        var references = new List<int>();
        var partCount = 1;
        try
        {
            var tracker = Options.StatusReports && session.Mode == GsmMessageMode.Pdu ? new ReportTracker(message.Id, identity) : null;
            if (session.Mode == GsmMessageMode.Text)
            {
                if (!GsmAlphabet.CanEncode(message.Text) || GsmAlphabet.CountSeptets(message.Text) > 160)
                {
                    return RecipientResult.Failed(identity, "In text mode the modem sends one part of GSM 7-bit text (160 characters); this text needs PDU mode.");
                }

                references.Add(await session.SendTextAsync(identity, message.Text, cancellationToken).ConfigureAwait(false));
            }
            else if (TakePartialSend(message, identity) is { } resumed)
            {
                // The router is retrying a long message whose first parts already went out: send the rest only, with
                // the same concatenation reference so that the phone joins them to the parts it has.
                references.AddRange(resumed.References);
                tracker = resumed.Tracker;
                partCount = resumed.Pdus.Count;
                await SendPartsAsync(session, message, identity, resumed.Pdus, references, tracker, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                IReadOnlyList<EncodedPdu> pdus;
                try
                {
                    var wide = Options.Use16BitConcatenationReference;
                    pdus = SmsPduEncoder.EncodeSubmit(identity, message.Text, new SmsEncodingOptions
                    {
                        StatusReportRequest = Options.StatusReports,
                        ValidityPeriod = Options.ValidityPeriod,
                        Use16BitReference = wide,
                        ConcatenationReference = Interlocked.Increment(ref _reference) & (wide ? 0xFFFF : 0xFF),
                        MaxParts = Options.MaxParts,
                    });
                }
                catch (ArgumentException ex)
                {
                    return RecipientResult.Failed(identity, ex.Message);
                }

                partCount = pdus.Count;
                await SendPartsAsync(session, message, identity, pdus, references, tracker, cancellationToken).ConfigureAwait(false);
            }

            var backendId = string.Join(',', references);
            if (tracker is not null)
            {
                bool complete;
                lock (_gate)
                {
                    tracker.BackendMessageId = backendId;
                    tracker.AllSent = true;
                    complete = tracker.Remaining == 0;
                }

                if (complete)
                {
                    await ReportAsync(tracker, cancellationToken).ConfigureAwait(false);
                }
            }

            return RecipientResult.Sent(identity, backendId);
        }
        catch (GsmModemException ex)
        {
            Interlocked.Increment(ref _failures);
            _failureCounter?.Add(1, _backendTag, new KeyValuePair<string, object?>(RapidSmsTelemetry.ErrorTypeTag, ex.Kind.ToString()));
            var reason = ex.Message + SentSoFar(references.Count, partCount, ex.IsTransient);
            Log.SendFailed(Logger, Name, identity, reason);
            return RecipientResult.Failed(identity, reason, ex.IsTransient);
        }
        catch (IOException ex)
        {
            Interlocked.Increment(ref _failures);
            _failureCounter?.Add(1, _backendTag, new KeyValuePair<string, object?>(RapidSmsTelemetry.ErrorTypeTag, "io"));
            var reason = $"The modem link failed while sending: {ex.Message}" + SentSoFar(references.Count, partCount, transient: true);
            Log.SendFailed(Logger, Name, identity, reason);
            return RecipientResult.Failed(identity, reason, isTransient: true);
        }
    }

    private static string SentSoFar(int sent, int parts, bool transient) =>
        sent == 0 || sent >= parts ? string.Empty
        : transient ? FormattableString.Invariant($" Parts 1-{sent} of {parts} went out; a retry sends the rest only.")
        : FormattableString.Invariant($" Parts 1-{sent} of {parts} went out.");

    /// <summary>
    /// Sends the parts after those already in <paramref name="references"/>. When a part fails transiently after some went
    /// out, the encoded parts and the references are kept for the router's retry of the same message to this recipient.
    /// </summary>
    private async Task SendPartsAsync(ModemSession session, OutgoingMessage message, string identity, IReadOnlyList<EncodedPdu> pdus, List<int> references, ReportTracker? tracker, CancellationToken cancellationToken)
    {
        try
        {
            for (var part = references.Count; part < pdus.Count; part++)
            {
                var reference = await session.SendPduAsync(pdus[part], cancellationToken).ConfigureAwait(false);
                references.Add(reference);
                if (tracker is not null)
                {
                    Track(reference, tracker);
                }

                Interlocked.Increment(ref _sent);
                _sentCounter?.Add(1, _backendTag);
                Log.PartSent(Logger, Name, part + 1, pdus.Count, identity, reference);
            }
        }
        catch (Exception ex) when (references.Count > 0 && ex is GsmModemException { IsTransient: true } or IOException)
        {
            KeepPartialSend(message, identity, new PartialSend(message.Text, pdus, [.. references], tracker));
            throw;
        }
    }

    private void KeepPartialSend(OutgoingMessage message, string identity, PartialSend partial)
    {
        lock (_gate)
        {
            // Bounded: the router retries within minutes, and a message it gave up on is forgotten oldest first.
            _partialSends[(message.Id, identity)] = partial;
            while (_partialSends.Count > MaxPartialSends)
            {
                _partialSends.RemoveAt(0);
            }
        }
    }

    private PartialSend? TakePartialSend(OutgoingMessage message, string identity)
    {
        lock (_gate)
        {
            // Only for the same message with the same text: an app that changed the text in between gets a fresh send.
            return _partialSends.Remove((message.Id, identity), out var partial) && string.Equals(partial.Text, message.Text, StringComparison.Ordinal)
                ? partial
                : null;
        }
    }

    private async Task<ModemSession?> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        try
        {
            return await ready.Task.WaitAsync(Options.CommandTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task RunSessionAsync(ModemSession session, CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _parked.Clear();

            // Stored parts are read again by the sweep below (their indexes may have changed); parts the modem handed
            // over directly (+CMT) exist nowhere else and are kept.
            _parts.RemoveWhere(p => p.Index >= 0);
        }

        await SweepAsync(session, stoppingToken).ConfigureAwait(false);
        ForgetVanishedParts();
        var nextSweep = TimeProvider.GetUtcNow() + Options.SweepInterval;
        var nextStatus = TimeProvider.GetUtcNow() + Options.StatusInterval;
        var unsolicited = session.Channel.Unsolicited;
        while (true)
        {
            var now = TimeProvider.GetUtcNow();
            if (now >= nextSweep)
            {
                await SweepAsync(session, stoppingToken).ConfigureAwait(false);
                nextSweep = TimeProvider.GetUtcNow() + Options.SweepInterval;
            }

            if (now >= nextStatus)
            {
                await session.RefreshStatusAsync(stoppingToken).ConfigureAwait(false);
                nextStatus = TimeProvider.GetUtcNow() + Options.StatusInterval;
            }

            var next = nextSweep < nextStatus ? nextSweep : nextStatus;
            if (await RouteIncompleteAsync(session, stoppingToken).ConfigureAwait(false) is { } giveUp && giveUp < next)
            {
                next = giveUp;
            }

            var wait = next - TimeProvider.GetUtcNow();
            using (var timer = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token))
            {
                try
                {
                    if (!await unsolicited.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                    {
                        var reason = await session.Channel.Completion.ConfigureAwait(false);
                        throw new IOException($"The modem link closed: {reason?.Message ?? "no reason given"}", reason);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    continue;
                }
            }

            while (unsolicited.TryRead(out var line))
            {
                await HandleUnsolicitedAsync(session, line, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleUnsolicitedAsync(ModemSession session, AtUnsolicited line, CancellationToken cancellationToken)
    {
        Log.Unsolicited(Logger, Name, line.Line);
        if (line.Line.StartsWith("+CMTI:", StringComparison.Ordinal) || line.Line.StartsWith("+CDSI:", StringComparison.Ordinal))
        {
            var values = AtParsing.Values(line.Line);
            if (AtParsing.Int(values, 1) is { } index)
            {
                try
                {
                    await ProcessIndexAsync(session, index, values[0], cancellationToken).ConfigureAwait(false);
                }
                catch (GsmModemException ex) when (ex.Kind != AtResultKind.Timeout)
                {
                    // The modem refused to read it (a busy SIM, a vendor error): the message stays stored and the sweep tries again.
                    Log.ReadFailed(Logger, Name, index, ex);
                }
            }
        }
        else if (line.Line.StartsWith("+CMT:", StringComparison.Ordinal) && line.Data is { } pdu)
        {
            await ProcessDirectAsync(pdu, cancellationToken).ConfigureAwait(false);
        }
        else if (line.Line.StartsWith("+CDS:", StringComparison.Ordinal) && line.Data is { } report)
        {
            if (SmsPdu.TryDecode(report, PduDirection.ToMobile, out var decoded, out var error) && decoded is SmsStatusReport statusReport)
            {
                await HandleStatusReportAsync(statusReport, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.UndecodableDirectPdu(Logger, Name, error ?? "not an SMS-STATUS-REPORT", report);
            }
        }
        else if (line.Line.StartsWith("+CREG:", StringComparison.Ordinal))
        {
            var values = AtParsing.Values(line.Line);
            if (AtParsing.Int(values, 0) is { } stat and >= 0 and <= 5)
            {
                session.Registration = (GsmRegistration)stat;
            }
        }
    }

    private async Task SweepAsync(ModemSession session, CancellationToken cancellationToken)
    {
        // Every storage the backend reads from: a modem whose SIM is full puts new messages in its own memory (ME),
        // and a +CMTI for those is as easily missed as one for the SIM.
        foreach (var storage in session.SweepStorages)
        {
            IReadOnlyList<StoredMessage> stored;
            try
            {
                stored = await session.ListAsync(storage, cancellationToken).ConfigureAwait(false);
            }
            catch (GsmModemException ex) when (ex.Kind != AtResultKind.Timeout)
            {
                Log.ReadFailed(Logger, Name, -1, ex);
                continue;
            }

            Log.Sweep(Logger, Name, stored.Count, storage ?? "the selected storage");
            foreach (var message in stored)
            {
                if (!IsParked(message.Storage, message.Index))
                {
                    await ProcessStoredAsync(session, message, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private bool IsParked(string? storage, int index)
    {
        lock (_gate)
        {
            return _parked.Contains(ParkKey(storage, index));
        }
    }

    private static (string Storage, int Index) ParkKey(string? storage, int index) => (storage?.ToUpperInvariant() ?? string.Empty, index);

    private async Task ProcessIndexAsync(ModemSession session, int index, string? storage, CancellationToken cancellationToken)
    {
        if (IsParked(storage ?? session.SelectedStorage, index))
        {
            return;
        }

        var stored = await session.ReadAsync(index, storage, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            await ProcessStoredAsync(session, stored, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ProcessStoredAsync(ModemSession session, StoredMessage stored, CancellationToken cancellationToken)
    {
        if (stored.IsOutgoing)
        {
            // A draft or sent message someone stored on the SIM: not ours to route or delete.
            return;
        }

        if (stored.Text is { } text)
        {
            var textKey = $"text|{text.Sender}|{text.Timestamp:O}|{text.Body}";
            await RouteAndDeleteAsync(session, text.Sender, text.Body, text.Timestamp, [new HeldPart(stored.Index, stored.Storage, textKey, text.Body, text.Timestamp)], cancellationToken).ConfigureAwait(false);
            return;
        }

        var hex = stored.Pdu!;
        if (!SmsPdu.TryDecode(hex, PduDirection.ToMobile, out var pdu, out var error))
        {
            lock (_gate)
            {
                _parked.Add(ParkKey(stored.Storage, stored.Index));
            }

            Log.UndecodablePdu(Logger, Name, stored.Index, error!, hex);
            return;
        }

        if (pdu is SmsStatusReport report)
        {
            await HandleStatusReportAsync(report, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(session, stored.Index, stored.Storage, cancellationToken).ConfigureAwait(false);
            return;
        }

        var deliver = (SmsDeliver)pdu;
        var key = SmsPdu.TpduOf(hex);
        var part = new HeldPart(stored.Index, stored.Storage, key, deliver.Text, deliver.ServiceCenterTimestamp);
        if (deliver.Concatenation is { Total: > 1 } concatenation)
        {
            if (_processed.Contains(key))
            {
                await RouteAndDeleteAsync(session, deliver.Originator.Number, string.Empty, null, [part], cancellationToken).ConfigureAwait(false);
                return;
            }

            var all = Hold(deliver.Originator.Number, concatenation, part);
            if (all is null)
            {
                Log.PartHeld(Logger, Name, concatenation.Sequence, concatenation.Total, concatenation.Reference, deliver.Originator.Number);
                return;
            }

            await RouteAndDeleteAsync(session, deliver.Originator.Number, string.Concat(all.Select(p => p.Text)), deliver.ServiceCenterTimestamp, all, cancellationToken).ConfigureAwait(false);
            return;
        }

        await RouteAndDeleteAsync(session, deliver.Originator.Number, deliver.Text, deliver.ServiceCenterTimestamp, [part], cancellationToken).ConfigureAwait(false);
    }

    private async Task RouteAndDeleteAsync(ModemSession session, string sender, string text, DateTimeOffset? timestamp, IReadOnlyList<HeldPart> parts, CancellationToken cancellationToken, IReadOnlyList<int>? missing = null)
    {
        if (parts.All(p => _processed.Contains(p.Key)))
        {
            // Routed before (a failed delete, a repeated notification, +CMT then +CMTI): only the delete is left.
            foreach (var part in parts)
            {
                Log.DuplicateMessage(Logger, Name, part.Index);
                await DeleteAsync(session, part.Index, part.Storage, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        try
        {
            Log.MessageReceived(Logger, Name, sender, parts[0].Index, parts.Count);
            await ReceiveAsync(sender, text, receivedAt: null, Fields(timestamp, parts.Count, missing), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not RouterClosedException)
        {
            Log.RouteFailed(Logger, Name, parts[0].Index, ex);
            return;
        }

        Interlocked.Increment(ref _received);
        _receivedCounter?.Add(1, _backendTag);
        Routed(parts);
        foreach (var part in parts)
        {
            await DeleteAsync(session, part.Index, part.Storage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a part of a long message; returns all its parts once the last is in, <see langword="null"/> until then.</summary>
    private IReadOnlyList<HeldPart>? Hold(string sender, ConcatenationInfo concatenation, HeldPart part)
    {
        lock (_gate)
        {
            // The wait is counted from when this process first saw the part, across reopened links: a sweep after a
            // reconnect reads the part again, but does not restart its clock.
            if (!_heldSince.TryGetValue(part.Key, out var since))
            {
                since = TimeProvider.GetUtcNow();
                _heldSince[part.Key] = since;
            }

            return _parts.Add(sender, concatenation, part, since);
        }
    }

    /// <summary>Records parts as routed: never routed again, and no longer waiting.</summary>
    private void Routed(IReadOnlyList<HeldPart> parts)
    {
        lock (_gate)
        {
            foreach (var part in parts)
            {
                _processed.Add(part.Key);
                _heldSince.Remove(part.Key);
            }
        }
    }

    /// <summary>Forgets when parts no longer on the SIM (deleted by someone else) started waiting.</summary>
    private void ForgetVanishedParts()
    {
        lock (_gate)
        {
            var held = _parts.Pending.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var key in _heldSince.Keys.Where(k => !held.Contains(k)).ToList())
            {
                _heldSince.Remove(key);
            }
        }
    }

    /// <summary>
    /// Routes, as incomplete messages, the long messages whose other parts did not arrive within
    /// <see cref="GsmOptions.IncompleteMessageTimeout"/>; returns when the next one is due, if any waits.
    /// </summary>
    private async Task<DateTimeOffset?> RouteIncompleteAsync(ModemSession session, CancellationToken cancellationToken)
    {
        if (Options.IncompleteMessageTimeout is not { } timeout)
        {
            return null;
        }

        IReadOnlyList<IncompleteMessage<HeldPart>> expired;
        DateTimeOffset? oldest;
        lock (_gate)
        {
            expired = _parts.TakeWaitingSince(TimeProvider.GetUtcNow() - timeout);
            oldest = _parts.OldestWaitingSince;
        }

        foreach (var message in expired)
        {
            Log.IncompleteMessage(Logger, Name, string.Join(',', message.Missing), message.Total, message.Reference, message.Sender, timeout, message.Parts.Count);
            var parts = message.Parts;
            var text = string.Concat(parts.Select(p => p.Text));
            // Parts delivered directly (+CMT) have no index and are not deleted.
            await RouteAndDeleteAsync(session, message.Sender, text, parts[0].Timestamp, parts, cancellationToken, message.Missing).ConfigureAwait(false);
        }

        return oldest + timeout;
    }

    private async Task ProcessDirectAsync(string hex, CancellationToken cancellationToken)
    {
        // +CMT: the modem does not store the message, so there is nothing to delete; the cache stops a later +CMTI for it.
        if (!SmsPdu.TryDecode(hex, PduDirection.ToMobile, out var pdu, out var error) || pdu is not SmsDeliver deliver)
        {
            Log.UndecodableDirectPdu(Logger, Name, error ?? "not an SMS-DELIVER", hex);
            return;
        }

        var key = SmsPdu.TpduOf(hex);
        if (_processed.Contains(key))
        {
            return;
        }

        var text = deliver.Text;
        IReadOnlyList<HeldPart> parts = [new HeldPart(-1, null, key, deliver.Text, deliver.ServiceCenterTimestamp)];
        if (deliver.Concatenation is { Total: > 1 } concatenation)
        {
            var all = Hold(deliver.Originator.Number, concatenation, parts[0]);
            if (all is null)
            {
                Log.PartHeld(Logger, Name, concatenation.Sequence, concatenation.Total, concatenation.Reference, deliver.Originator.Number);
                return;
            }

            text = string.Concat(all.Select(p => p.Text));
            parts = all;
        }

        await RouteDirectAsync(deliver.Originator.Number, text, deliver.ServiceCenterTimestamp, parts, cancellationToken).ConfigureAwait(false);
    }

    private async Task RouteDirectAsync(string sender, string text, DateTimeOffset? timestamp, IReadOnlyList<HeldPart> parts, CancellationToken cancellationToken)
    {
        try
        {
            await ReceiveAsync(sender, text, receivedAt: null, Fields(timestamp, parts.Count, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not RouterClosedException)
        {
            Log.DirectRouteFailed(Logger, Name, sender, ex);
            return;
        }

        // Only now: a stored copy announced later (+CMTI) is then deleted instead of routed again.
        Routed(parts);
        Interlocked.Increment(ref _received);
        _receivedCounter?.Add(1, _backendTag);
    }

    private async Task DeleteAsync(ModemSession session, int index, string? storage, CancellationToken cancellationToken)
    {
        if (index < 0)
        {
            return;
        }

        try
        {
            await session.DeleteAsync(index, storage, cancellationToken).ConfigureAwait(false);
        }
        catch (GsmModemException ex)
        {
            Log.DeleteFailed(Logger, Name, index, ex);
        }
    }

    private async Task HandleStatusReportAsync(SmsStatusReport report, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reports);
        _reportCounter?.Add(1, _backendTag);
        ReportTracker? done = null;
        lock (_gate)
        {
            if (!_trackers.TryGetValue(report.MessageReference, out var tracker))
            {
                // The report can overtake the send that caused it (the +CDSI arrives before SendAsync has
                // recorded the reference): keep it briefly for Track to find.
                if (!report.IsFinal)
                {
                    return;
                }

                _earlyReports[report.MessageReference] = report;
                if (_earlyReports.Count > 256)
                {
                    _earlyReports.Remove(_earlyReports.Keys.First());
                }

                Log.UnmatchedStatusReport(Logger, Name, report.MessageReference, report.StatusDescription);
                return;
            }

            if (!report.IsFinal)
            {
                return;
            }

            _trackers.Remove(report.MessageReference);
            tracker.Record(report);
            if (tracker.Remaining == 0 && tracker.AllSent)
            {
                done = tracker;
            }
        }

        if (done is not null)
        {
            await ReportAsync(done, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Track(int reference, ReportTracker tracker)
    {
        lock (_gate)
        {
            tracker.Remaining++;
            if (_earlyReports.Remove(reference, out var early))
            {
                tracker.Record(early);
                return;
            }

            _trackers[reference] = tracker;
        }
    }

    private ValueTask ReportAsync(ReportTracker tracker, CancellationToken cancellationToken) =>
        ReportDeliveryAsync(
            new DeliveryReport(Name, tracker.Identity, tracker.Status, TimeProvider.GetUtcNow())
            {
                MessageId = tracker.MessageId,
                BackendMessageId = tracker.BackendMessageId,
                ErrorCode = tracker.Status == DeliveryStatus.Delivered ? null : tracker.StatusCode,
                Detail = tracker.Detail,
            },
            cancellationToken);

    private static KeyValuePair<string, object?>[] Fields(DateTimeOffset? timestamp, int parts, IReadOnlyList<int>? missing) =>
        missing is { Count: > 0 }
            ? [new(TimestampField, timestamp), new(PartsField, parts), new(IncompleteField, true), new(MissingPartsField, missing.ToArray())]
            : [new(TimestampField, timestamp), new(PartsField, parts)];

    private TimeSpan Backoff(int failures)
    {
        var baseDelay = Options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        var capped = Math.Min(baseDelay, Options.MaxReconnectDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private void SetState(GsmModemState state)
    {
        lock (_gate)
        {
            _state = state;
            if (state != GsmModemState.Ready && _ready.Task.IsCompleted)
            {
                _ready = NewReady();
            }
        }
    }

    private async Task CloseSessionAsync(ModemSession? session)
    {
        if (session is null)
        {
            return;
        }

        if (ReferenceEquals(_session, session))
        {
            _session = null;
        }

        await session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A long message that went out in part: the encoded parts and the references of those sent.</summary>
    private sealed record PartialSend(string Text, IReadOnlyList<EncodedPdu> Pdus, IReadOnlyList<int> References, ReportTracker? Tracker);

    private sealed record HeldPart(int Index, string? Storage, string Key, string Text, DateTimeOffset? Timestamp);

    private sealed class ReportTracker(string messageId, string identity)
    {
        public string MessageId { get; } = messageId;

        public string Identity { get; } = identity;

        public string? BackendMessageId { get; set; }

        public bool AllSent { get; set; }

        public int Remaining { get; set; }

        public DeliveryStatus Status { get; private set; } = DeliveryStatus.Delivered;

        public string? StatusCode { get; private set; }

        public string? Detail { get; private set; }

        public void Record(SmsStatusReport report)
        {
            Remaining--;
            if (report.DeliveryStatus != DeliveryStatus.Delivered || Detail is null)
            {
                Status = report.DeliveryStatus;
                StatusCode = report.Status.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
                Detail = report.StatusDescription;
            }
        }
    }
}
