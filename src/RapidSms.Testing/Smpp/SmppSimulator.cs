using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Testing;

/// <summary>
/// An SMSC in the test process: answers binds, submit_sm, enquire_link and unbind on 127.0.0.1, records what
/// it was sent, delivers mobile-originated messages and receipts to bound sessions, and has fault switches (drop
/// the link, stall responses, answer throttled, send receipts before submit responses, send malformed PDUs).
/// Test an SMPP app end to end without an operator link.
/// </summary>
/// <example>
/// <code>
/// await using var smsc = await SmppSimulator.StartAsync();
/// rapid.AddBackend("smsc", b => b.UseSmpp(o => { o.Host = smsc.Host; o.Port = smsc.Port; o.SystemId = "test"; }));
/// // … send through the router, then:
/// var message = (await smsc.WaitForMessagesAsync(1, timeout.Token))[0];
/// </code>
/// </example>
public sealed class SmppSimulator : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<SmppSimulatorSession> _sessions = [];
    private readonly List<SmppSubmission> _submissions = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SmppCommandStatus> _failedDestinations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SmppSubmission Submission, byte State, string? Replacement, DateTimeOffset Accepted)> _byId = [];
    private readonly List<SmppSimulatorMessage> _messages = [];
    private readonly Dictionary<(string To, ushort Reference, byte Total), SmppSubmission?[]> _partial = [];
    private readonly CountWaiters _submissionWaiters = new();
    private readonly CountWaiters _messageWaiters = new();
    private readonly CountWaiters _bindWaiters = new();
    private readonly List<TaskCompletionSource<SmppCommandStatus>> _nackWaiters = [];
    private readonly Task _acceptLoop;
    private long _submitCount;
    private long _nextMessageId;
    private int _bindCount;
    private int _throttleNext;
    private SmppCommandStatus _throttleStatus;
    private int _failNext;
    private SmppCommandStatus _failStatus;
    private long _dropAtSubmit;

    private SmppSimulator(SmppSimulatorOptions options)
    {
        Options = options;
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address to connect to: 127.0.0.1.</summary>
    public string Host { get; } = IPAddress.Loopback.ToString();

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its options.</summary>
    public SmppSimulatorOptions Options { get; }

    /// <summary>How many submit_sm PDUs were accepted (answered ESME_ROK), recorded or not.</summary>
    public long SubmitCount => Interlocked.Read(ref _submitCount);

    /// <summary>How many binds succeeded since start.</summary>
    public int BindCount => Volatile.Read(ref _bindCount);

    /// <summary>How many sessions are bound now.</summary>
    public int BoundSessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count(s => s.IsBound);
            }
        }
    }

    /// <summary>The accepted submit_sm PDUs in arrival order (when <see cref="SmppSimulatorOptions.RecordSubmissions"/>).</summary>
    public IReadOnlyList<SmppSubmission> Submissions
    {
        get
        {
            lock (_gate)
            {
                return [.. _submissions];
            }
        }
    }

    /// <summary>The whole messages received: single submissions, and long ones once all their parts arrived.</summary>
    public IReadOnlyList<SmppSimulatorMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Fault switch: hold every submit_sm_resp (the SMSC "stalls") until set back to <see langword="false"/>, then send them.</summary>
    public bool StallResponses
    {
        get => Volatile.Read(ref _stall);
        set
        {
            Volatile.Write(ref _stall, value);
            if (!value)
            {
                foreach (var session in SessionsSnapshot())
                {
                    session.ReleaseStalled();
                }
            }
        }
    }

    /// <summary>Fault switch: with <see cref="SmppSimulatorOptions.AutoReceipts"/>, send each receipt before the submit_sm_resp that names its id.</summary>
    public bool ReceiptsBeforeResponses { get; set; }

    /// <summary>Fault switch: do not answer enquire_link (the link looks dead to the client).</summary>
    public bool IgnoreEnquireLink { get; set; }

    private bool _stall;

    /// <summary>Starts a simulator on 127.0.0.1.</summary>
    /// <param name="options">How it behaves; <see langword="null"/> for the defaults.</param>
    /// <returns>The running simulator; dispose it to stop.</returns>
    public static SmppSimulator Start(SmppSimulatorOptions? options = null) => new(options ?? new SmppSimulatorOptions());

    /// <summary>Starts a simulator on 127.0.0.1.</summary>
    /// <param name="options">How it behaves; <see langword="null"/> for the defaults.</param>
    /// <returns>The running simulator; dispose it to stop.</returns>
    public static ValueTask<SmppSimulator> StartAsync(SmppSimulatorOptions? options = null) => new(Start(options));

    /// <summary>Fault switch: answer the next <paramref name="count"/> submit_sm with a throttling status.</summary>
    /// <param name="count">How many.</param>
    /// <param name="status">ESME_RTHROTTLED by default; ESME_RMSGQFUL works too.</param>
    public void ThrottleNext(int count, SmppCommandStatus status = SmppCommandStatus.Throttled)
    {
        _throttleStatus = status;
        Volatile.Write(ref _throttleNext, count);
    }

    /// <summary>Fault switch: answer the next <paramref name="count"/> submit_sm with <paramref name="status"/>.</summary>
    /// <param name="count">How many.</param>
    /// <param name="status">The error status.</param>
    public void FailNext(int count, SmppCommandStatus status)
    {
        _failStatus = status;
        Volatile.Write(ref _failNext, count);
    }

    /// <summary>
    /// Fault switch: list <paramref name="address"/> (as sent, without "+") as unsuccessful with
    /// <paramref name="status"/> in every submit_multi_resp, while the other destinations are accepted.
    /// </summary>
    /// <param name="address">The destination address.</param>
    /// <param name="status">The error_status_code to give it.</param>
    public void FailDestination(string address, SmppCommandStatus status) => _failedDestinations[address] = status;

    internal SmppCommandStatus? FailedDestination(string address) =>
        _failedDestinations.TryGetValue(address, out var status) ? status : null;

    /// <summary>Fault switch: drop the connection, without answering, when the submit_sm number <paramref name="submitNumber"/> (counted from start, from 1) arrives.</summary>
    /// <param name="submitNumber">Which submit_sm to drop on.</param>
    public void DropAtSubmit(long submitNumber) => Interlocked.Exchange(ref _dropAtSubmit, submitNumber);

    /// <summary>Fault switch: closes every session abruptly, without unbind.</summary>
    public void DropConnections()
    {
        foreach (var session in SessionsSnapshot())
        {
            session.Close();
        }
    }

    /// <summary>Fault switch: sends every bound session a deliver_sm whose body is truncated (sm_length beyond the end).</summary>
    public void SendMalformedPdu()
    {
        var frame = new byte[SmppPduCodec.HeaderLength + 8];
        SmppPduCodec.WriteHeader(frame, new SmppHeader((uint)frame.Length, SmppCommandId.DeliverSm, SmppCommandStatus.Ok, 0x7FFF0001));
        frame[16] = 0; // service_type
        frame[17] = 1;
        frame[18] = 1;
        frame[19] = (byte)'1';
        frame[20] = 0;
        frame[21] = 1;
        frame[22] = 1;
        frame[23] = (byte)'2'; // destination not terminated: the PDU ends here.
        foreach (var session in SessionsSnapshot().Where(s => s.CanReceive))
        {
            session.Write(frame);
        }
    }

    /// <summary>Waits for the next generic_nack a client sends (the answer to a malformed PDU).</summary>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The generic_nack's status.</returns>
    public Task<SmppCommandStatus> WaitForGenericNackAsync(CancellationToken cancellationToken = default)
    {
        var waiter = new TaskCompletionSource<SmppCommandStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _nackWaiters.Add(waiter);
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until at least <paramref name="count"/> binds succeeded since start.</summary>
    /// <param name="count">How many binds.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    public async Task WaitForBindsAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_bindCount >= count)
            {
                return;
            }

            signal = _bindWaiters.Add(count);
        }

        await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until at least <paramref name="count"/> submissions were recorded.</summary>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The submissions at that point.</returns>
    public async Task<IReadOnlyList<SmppSubmission>> WaitForSubmissionsAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_submissions.Count >= count)
            {
                return [.. _submissions];
            }

            signal = _submissionWaiters.Add(count);
        }

        await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Submissions;
    }

    /// <summary>Waits until at least <paramref name="count"/> whole messages were received.</summary>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    /// <returns>The messages at that point.</returns>
    public async Task<IReadOnlyList<SmppSimulatorMessage>> WaitForMessagesAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_messages.Count >= count)
            {
                return [.. _messages];
            }

            signal = _messageWaiters.Add(count);
        }

        await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Messages;
    }

    /// <summary>
    /// Delivers a mobile-originated message to a bound transceiver or receiver as deliver_sm: GSM 03.38 when the
    /// text fits, else UCS2; split with a concatenation header when long. Completes with the client's answer.
    /// </summary>
    /// <param name="from">The sender; a leading "+" is sent as TON 1.</param>
    /// <param name="to">The short code or number it was sent to.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Gives up waiting for a bound session or the answer.</param>
    /// <returns>The status of the deliver_sm_resp (the first error among the parts, else ESME_ROK).</returns>
    public async Task<SmppCommandStatus> SendMessageAsync(string from, string to, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(text);
        var gsm = GsmAlphabet.CanEncode(text);
        byte[] units;
        if (gsm)
        {
            GsmAlphabet.TryCountSeptets(text, out var septets, out _);
            units = new byte[septets];
            GsmAlphabet.Encode(text, units);
        }
        else
        {
            units = Encoding.BigEndianUnicode.GetBytes(text);
        }

        var single = gsm ? 160 : 140;
        var perPart = gsm ? 153 : 134;
        if (units.Length <= single)
        {
            return await SendRequestAsync(Deliver(from, to, gsm, units, 0), cancellationToken).ConfigureAwait(false);
        }

        var chunks = new List<byte[]>();
        for (var at = 0; at < units.Length;)
        {
            var take = Math.Min(perPart, units.Length - at);
            if (gsm && at + take < units.Length && units[at + take - 1] == GsmAlphabet.Escape)
            {
                take--;
            }
            else if (!gsm && at + take < units.Length && char.IsHighSurrogate((char)((units[at + take - 2] << 8) | units[at + take - 1])))
            {
                take -= 2;
            }

            chunks.Add(units[at..(at + take)]);
            at += take;
        }

        // All parts go out before any answer is awaited: an ESME answers the parts once the whole message is in.
        var reference = (byte)Interlocked.Increment(ref _nextMessageId);
        var answers = new List<Task<SmppCommandStatus>>(chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var udh = new byte[SmppUserDataHeader.ConcatenationLength];
            SmppUserDataHeader.WriteConcatenation(udh, reference, (byte)chunks.Count, (byte)(i + 1));
            answers.Add(SendRequestAsync(Deliver(from, to, gsm, [.. udh, .. chunks[i]], 0x40), cancellationToken));
        }

        var statuses = await Task.WhenAll(answers).ConfigureAwait(false);
        return statuses.FirstOrDefault(s => s != SmppCommandStatus.Ok);
    }

    /// <summary>
    /// Sends a delivery receipt for <paramref name="messageId"/> to a bound transceiver or receiver, addressed to the
    /// original message's sender when the simulator recorded it.
    /// </summary>
    /// <param name="messageId">The SMSC message id (as answered in submit_sm_resp, or any form the test wants).</param>
    /// <param name="handset">The recipient of the original message (the receipt's source address).</param>
    /// <param name="state">The <c>stat:</c> value: DELIVRD, UNDELIV, EXPIRED, REJECTD, …</param>
    /// <param name="withTlvs">Also send receipted_message_id and message_state.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>The status of the deliver_sm_resp.</returns>
    public Task<SmppCommandStatus> SendReceiptAsync(string messageId, string handset, string state = "DELIVRD", bool withTlvs = false, CancellationToken cancellationToken = default)
    {
        var now = Options.TimeProvider.GetUtcNow();
        SmppAddress originator;
        DateTimeOffset submitted;
        lock (_gate)
        {
            var known = _byId.TryGetValue(messageId, out var entry);
            originator = known ? entry.Submission.Pdu.Source : SmppAddress.Empty;
            submitted = known ? entry.Accepted : now;
        }

        return SendRequestAsync(Receipt(messageId, handset, originator, submitted, now, state, withTlvs), cancellationToken);
    }

    /// <summary>
    /// Sends a request to a bound transceiver or receiver and waits for its answer: a deliver_sm or data_sm of the
    /// test's own making, an enquire_link, or an unbind (the client answers and closes the link).
    /// </summary>
    /// <param name="pdu">The PDU; its sequence number is assigned.</param>
    /// <param name="cancellationToken">Gives up waiting for a bound session or the answer.</param>
    /// <returns>The answer's status.</returns>
    public async Task<SmppCommandStatus> SendRequestAsync(SmppPdu pdu, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        while (true)
        {
            var session = SessionsSnapshot().FirstOrDefault(s => s.CanReceive);
            if (session is not null)
            {
                var answer = await session.RequestAsync(pdu, cancellationToken).ConfigureAwait(false);
                if (answer is { } status)
                {
                    return status;
                }
            }

            // No receiver bound (yet), or it went away before answering: wait for one.
            await Task.Delay(TimeSpan.FromMilliseconds(20), Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening and closes every session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        DropConnections();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    internal static SmppPdu Deliver(string from, string to, bool gsm, byte[] shortMessage, byte esmClass) => new(SmppCommandId.DeliverSm)
    {
        Source = Address(from),
        Destination = Address(to),
        EsmClass = esmClass,
        DataCoding = gsm ? SmppText.DataCodingDefault : SmppText.DataCodingUcs2,
        ShortMessage = shortMessage,
    };

    internal static SmppAddress Address(string value) =>
        value.StartsWith('+') ? new SmppAddress(1, 1, value[1..]) : new SmppAddress(0, 1, value);

    /// <summary>
    /// A receipt as SMPP 3.4 sends it (4.6.1, appendix B): from the handset the message went to, addressed to the
    /// message's originator (empty when the message is not known), with its submit and done dates as YYMMDDhhmm (UTC).
    /// </summary>
    internal static SmppPdu Receipt(string messageId, string handset, SmppAddress originator, DateTimeOffset submitted, DateTimeOffset done, string state, bool withTlvs)
    {
        var text = new SmppDeliveryReceipt
        {
            Id = messageId,
            SubmitDate = submitted.UtcDateTime.ToString("yyMMddHHmm", CultureInfo.InvariantCulture),
            DoneDate = done.UtcDateTime.ToString("yyMMddHHmm", CultureInfo.InvariantCulture),
            State = state,
            Error = state == "DELIVRD" ? "000" : "001",
        }.Format();
        var pdu = new SmppPdu(SmppCommandId.DeliverSm)
        {
            Source = Address(handset),
            Destination = originator,
            EsmClass = 0x04,
            ShortMessage = Encoding.ASCII.GetBytes(text),
        };
        if (withTlvs)
        {
            pdu.Tlvs.Add(SmppTlv.FromCString(SmppTlvTag.ReceiptedMessageId, messageId));
            pdu.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.MessageState, state == "DELIVRD" ? (byte)2 : (byte)5));
        }

        return pdu;
    }

    internal bool CheckBind(SmppPdu bind, out SmppCommandStatus status)
    {
        status = SmppCommandStatus.Ok;
        if (Options.SystemId is { } systemId && bind.SystemId != systemId)
        {
            status = SmppCommandStatus.InvalidSystemId;
        }
        else if (Options.SystemId is not null && Options.Password is { } password && bind.Password != password)
        {
            status = SmppCommandStatus.InvalidPassword;
        }

        if (status == SmppCommandStatus.Ok)
        {
            List<TaskCompletionSource>? ready;
            lock (_gate)
            {
                _bindCount++;
                ready = _bindWaiters.TakeReady(_bindCount);
            }

            ready?.ForEach(s => s.TrySetResult());
        }

        return status == SmppCommandStatus.Ok;
    }

    /// <summary>Decides how to answer a submit_sm: drop, throttle, fail, or accept with a new id.</summary>
    internal SubmitDecision Decide()
    {
        var drop = Interlocked.Read(ref _dropAtSubmit);
        if (drop > 0 && Interlocked.Read(ref _submitCount) + 1 >= drop && Interlocked.CompareExchange(ref _dropAtSubmit, 0, drop) == drop)
        {
            return new SubmitDecision(SubmitAction.Drop, SmppCommandStatus.Ok, 0);
        }

        if (Volatile.Read(ref _throttleNext) > 0 && Interlocked.Decrement(ref _throttleNext) >= 0)
        {
            return new SubmitDecision(SubmitAction.Answer, _throttleStatus, 0);
        }

        if (Volatile.Read(ref _failNext) > 0 && Interlocked.Decrement(ref _failNext) >= 0)
        {
            return new SubmitDecision(SubmitAction.Answer, _failStatus, 0);
        }

        Interlocked.Increment(ref _submitCount);
        return new SubmitDecision(SubmitAction.Answer, SmppCommandStatus.Ok, Interlocked.Increment(ref _nextMessageId));
    }

    /// <summary>
    /// The message_state the simulator answers query_sm with for a message it accepted: 1 (ENROUTE) until the
    /// test sets another, 4 (DELETED) after cancel_sm; <see langword="null"/> for an id it does not know. Messages
    /// are known only while <see cref="SmppSimulatorOptions.RecordSubmissions"/> is on.
    /// </summary>
    /// <param name="messageId">The id the simulator answered submit_sm with.</param>
    /// <returns>The state, or <see langword="null"/>.</returns>
    public byte? GetMessageState(string messageId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(messageId, out var entry) ? entry.State : null;
        }
    }

    /// <summary>Sets the message_state of a message the simulator accepted (2 DELIVERED, 5 UNDELIVERABLE…), as the network would.</summary>
    /// <param name="messageId">The id the simulator answered submit_sm with.</param>
    /// <param name="state">The SMPP message_state.</param>
    /// <returns>Whether the message is known.</returns>
    public bool SetMessageState(string messageId, byte state)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(messageId, out var entry))
            {
                return false;
            }

            _byId[messageId] = entry with { State = state };
            return true;
        }
    }

    /// <summary>The text a replace_sm put in place of the message's, decoded by the message's data_coding, or <see langword="null"/>.</summary>
    /// <param name="messageId">The id the simulator answered submit_sm with.</param>
    /// <returns>The replacement text, or <see langword="null"/> when the message was not replaced.</returns>
    public string? GetReplacementText(string messageId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(messageId, out var entry) ? entry.Replacement : null;
        }
    }

    internal SmppPdu Query(SmppPdu query)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(query.MessageId, out var entry))
            {
                return query.CreateResponse(SmppCommandStatus.QueryFailed);
            }

            var response = query.CreateResponse();
            response.MessageId = query.MessageId;
            response.MessageState = entry.State;
            response.FinalDate = IsFinal(entry.State) ? "261122000000000+" : string.Empty;
            return response;
        }
    }

    internal SmppCommandStatus Cancel(SmppPdu cancel)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(cancel.MessageId, out var entry) || IsFinal(entry.State)
                || (cancel.Destination.Address.Length > 0 && cancel.Destination.Address != entry.Submission.Pdu.Destination.Address))
            {
                return SmppCommandStatus.CancelFailed;
            }

            _byId[cancel.MessageId] = entry with { State = 4 };
            return SmppCommandStatus.Ok;
        }
    }

    internal SmppCommandStatus Replace(SmppPdu replace)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(replace.MessageId, out var entry) || IsFinal(entry.State))
            {
                return SmppCommandStatus.ReplaceFailed;
            }

            var alphabet = SmppText.GetAlphabet(entry.Submission.Pdu.DataCoding);
            var text = SmppText.Decode(replace.ShortMessage.Span, alphabet, Options.Gsm7Packed && alphabet == SmppAlphabet.Gsm7);
            _byId[replace.MessageId] = entry with { Replacement = text };
            return SmppCommandStatus.Ok;
        }
    }

    private static bool IsFinal(byte state) => state is 2 or 3 or 4 or 5 or 8;

    internal string FormatId(long id) => Options.HexMessageIds ? id.ToString("X8", CultureInfo.InvariantCulture) : id.ToString(CultureInfo.InvariantCulture);

    internal void Record(SmppPdu pdu, string messageId)
    {
        var payload = pdu.FindTlv(SmppTlvTag.MessagePayload)?.Value ?? pdu.ShortMessage;
        var span = payload.Span;
        var headerLength = 0;
        SmppConcatenation? concatenation = null;
        if ((pdu.EsmClass & 0x40) != 0 && !span.IsEmpty && !SmppUserDataHeader.TryRead(span, out headerLength, out concatenation))
        {
            headerLength = Math.Min(span[0] + 1, span.Length);
        }

        if (concatenation is null && pdu.FindTlv(SmppTlvTag.SarTotalSegments)?.AsUInt32() is { } total
            && pdu.FindTlv(SmppTlvTag.SarSegmentSequenceNumber)?.AsUInt32() is { } sequence
            && pdu.FindTlv(SmppTlvTag.SarMessageReferenceNumber)?.AsUInt32() is { } reference)
        {
            concatenation = new SmppConcatenation((ushort)reference, (byte)total, (byte)sequence);
        }

        var alphabet = SmppText.GetAlphabet(pdu.DataCoding);
        var packed = Options.Gsm7Packed && alphabet == SmppAlphabet.Gsm7;
        var fill = packed && headerLength > 0 ? (7 - (headerLength * 8 % 7)) % 7 : 0;
        var text = SmppText.Decode(span[headerLength..], alphabet, packed, fill);
        var submission = new SmppSubmission(pdu, messageId, text, concatenation);
        List<TaskCompletionSource>? ready;
        List<TaskCompletionSource>? readyMessages = null;
        lock (_gate)
        {
            _submissions.Add(submission);
            _byId[messageId] = (submission, 1, null, Options.TimeProvider.GetUtcNow());
            ready = _submissionWaiters.TakeReady(_submissions.Count);
            SmppSimulatorMessage? whole = null;
            if (concatenation is { Total: > 1 } part && part.Sequence <= part.Total)
            {
                var key = (submission.To, part.Reference, part.Total);
                if (!_partial.TryGetValue(key, out var parts))
                {
                    _partial[key] = parts = new SmppSubmission?[part.Total];
                }

                parts[part.Sequence - 1] = submission;
                if (parts.All(p => p is not null))
                {
                    _partial.Remove(key);
                    whole = new SmppSimulatorMessage(submission.To, string.Concat(parts.Select(p => p!.Text)), parts!);
                }
            }
            else
            {
                whole = new SmppSimulatorMessage(submission.To, text, [submission]);
            }

            if (whole is not null)
            {
                _messages.Add(whole);
                readyMessages = _messageWaiters.TakeReady(_messages.Count);
            }
        }

        ready?.ForEach(s => s.TrySetResult());
        readyMessages?.ForEach(s => s.TrySetResult());
    }

    internal void GenericNackReceived(SmppCommandStatus status)
    {
        TaskCompletionSource<SmppCommandStatus>[] waiters;
        lock (_gate)
        {
            waiters = [.. _nackWaiters];
            _nackWaiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(status);
        }
    }

    internal void Remove(SmppSimulatorSession session)
    {
        lock (_gate)
        {
            _sessions.Remove(session);
        }
    }

    private SmppSimulatorSession[] SessionsSnapshot()
    {
        lock (_gate)
        {
            return [.. _sessions];
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            socket.NoDelay = true;
            var session = new SmppSimulatorSession(this, socket);
            lock (_gate)
            {
                _sessions.Add(session);
            }

            session.Start();
        }
    }

    internal enum SubmitAction
    {
        Answer,
        Drop,
    }

    internal readonly record struct SubmitDecision(SubmitAction Action, SmppCommandStatus Status, long MessageId);
}
