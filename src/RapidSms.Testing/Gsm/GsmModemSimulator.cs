using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Testing.Gsm;

/// <summary>
/// A GSM modem that speaks AT commands over any stream (a pseudo-terminal, a TCP connection, an
/// in-memory pipe), so the GSM backend and the apps behind it can be tested without hardware. It keeps a
/// SIM store of PDUs, announces new messages with <c>+CMTI</c>, accepts <c>AT+CMGS</c> in PDU and text
/// mode, answers status reports, and has switches for faults: stop answering, fail the next commands with
/// a chosen error, deliver a message in the middle of a send.
/// </summary>
/// <example>
/// <code>
/// await using var modem = new GsmModemSimulator();
/// var endpoint = modem.ListenTcp();
/// // point a backend at $"tcp://127.0.0.1:{endpoint.Port}", then:
/// await modem.DeliverAsync("+256700000001", "ping");
/// var reply = (await modem.WaitForSentAsync(1))[0];
/// </code>
/// </example>
public sealed class GsmModemSimulator : IAsyncDisposable
{
    private const char CtrlZ = '\u001a';
    private const char Esc = '\u001b';
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<int, Stored>> _memories = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<GsmSimulatorMessage> _sent = [];
    private readonly List<string> _commands = [];
    private readonly List<int> _deleted = [];
    private readonly List<(string Prefix, string Result, int Remaining)> _failures = [];
    private readonly Dictionary<(string, int, int), SortedDictionary<int, (string Text, int Reference)>> _outgoingParts = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Stream? _current;
    private TcpListener? _listener;
    private (string Sender, string Text)? _deliverDuringSend;
    private SortedDictionary<int, Stored> _storage;
    private string _selected;
    private bool _echo;
    private bool _pinLocked;
    private string? _incoming;
    private bool _textMode;
    private int _nextReference;
    private int _deliverReference = 1;

    /// <summary>Creates a simulator.</summary>
    /// <param name="options">How it behaves; <see langword="null"/> for the defaults.</param>
    public GsmModemSimulator(GsmModemSimulatorOptions? options = null)
    {
        Options = options ?? new GsmModemSimulatorOptions();
        _echo = Options.Echo;
        _pinLocked = Options.Pin is not null;
        if (Options.Storages.Count == 0)
        {
            throw new ArgumentException("The simulator needs at least one storage, such as SM.", nameof(options));
        }

        foreach (var memory in Options.Storages)
        {
            _memories[memory] = [];
        }

        _selected = Options.Storages[0];
        _storage = _memories[_selected];
    }

    /// <summary>
    /// Where arriving messages and status reports are stored and what <c>+CMTI</c>/<c>+CDSI</c> name: one of
    /// <see cref="GsmModemSimulatorOptions.Storages"/>. Defaults to the first, <c>SM</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The storage is not one of the simulator's.</exception>
    public string IncomingStorage
    {
        get
        {
            lock (_gate)
            {
                return _incoming ?? Options.Storages[0];
            }
        }

        set
        {
            lock (_gate)
            {
                if (!_memories.ContainsKey(value))
                {
                    throw new ArgumentException($"'{value}' is not one of the simulator's storages ({string.Join(", ", Options.Storages)}).", nameof(value));
                }

                _incoming = value;
            }
        }
    }

    /// <summary>The behaviour switches; changes take effect at the next command.</summary>
    public GsmModemSimulatorOptions Options { get; }

    /// <summary>When <see langword="true"/>, the modem reads commands and answers nothing, like a hung modem.</summary>
    public bool Unresponsive { get; set; }

    /// <summary>Whether new messages are announced with <c>+CMTI</c>; when <see langword="false"/>, they are only stored (as while a backend is offline). Defaults to <see langword="true"/>.</summary>
    public bool NotifyIncoming { get; set; } = true;

    /// <summary>Whether a connection is being served.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _current is not null;
            }
        }
    }

    /// <summary>The messages stored in the first storage (the SIM, <c>SM</c>): index to PDU in hex.</summary>
    public IReadOnlyDictionary<int, string> Storage => StorageOf(Options.Storages[0]);

    /// <summary>The messages stored in <paramref name="storage"/> (such as <c>ME</c>): index to PDU in hex.</summary>
    /// <param name="storage">One of <see cref="GsmModemSimulatorOptions.Storages"/>.</param>
    /// <exception cref="KeyNotFoundException">The storage is not one of the simulator's.</exception>
    public IReadOnlyDictionary<int, string> StorageOf(string storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        lock (_gate)
        {
            return _memories[storage].ToDictionary(p => p.Key, p => p.Value.Pdu);
        }
    }

    /// <summary>Every message sent so far, reassembled, oldest first.</summary>
    public IReadOnlyList<GsmSimulatorMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Every command line received so far (a PIN included: this is a test double).</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_gate)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>Every index deleted with <c>AT+CMGD</c>, in order.</summary>
    public IReadOnlyList<int> DeletedIndexes
    {
        get
        {
            lock (_gate)
            {
                return [.. _deleted];
            }
        }
    }

    /// <summary>Serves one connection in the background; a later connection replaces it. The simulator disposes the stream.</summary>
    /// <param name="stream">The modem's side of the link.</param>
    public void Attach(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            _background.Add(Task.Run(() => ServeAsync(stream, _stop.Token)));
        }
    }

    /// <summary>Listens on 127.0.0.1 and serves each connection that arrives (the newest wins), as an IP modem or ser2net would.</summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <returns>The address to connect to.</returns>
    public IPEndPoint ListenTcp(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        lock (_gate)
        {
            _listener = listener;
            _background.Add(Task.Run(() => AcceptLoopAsync(listener)));
        }

        return (IPEndPoint)listener.LocalEndpoint;
    }

    /// <summary>Serves AT commands on <paramref name="stream"/> until it ends or <paramref name="cancellationToken"/> fires, then disposes it.</summary>
    /// <param name="stream">The modem's side of the link.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Stream? previous;
        lock (_gate)
        {
            previous = _current;
            _current = stream;
        }

        if (previous is not null)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }

        var buffer = new byte[1024];
        var line = new StringBuilder();
        string? prompt = null;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                foreach (var c in Encoding.Latin1.GetString(buffer, 0, read))
                {
                    if (prompt is not null)
                    {
                        if (c == CtrlZ)
                        {
                            var command = prompt;
                            prompt = null;
                            await CompleteSendAsync(stream, command, line.ToString(), cancellationToken).ConfigureAwait(false);
                            line.Clear();
                        }
                        else if (c == Esc)
                        {
                            prompt = null;
                            line.Clear();
                            await ReplyAsync(stream, "OK", cancellationToken).ConfigureAwait(false);
                        }
                        else if (c is not '\r' and not '\n')
                        {
                            line.Append(c);
                        }

                        continue;
                    }

                    if (c == '\r')
                    {
                        var text = line.ToString().Trim();
                        line.Clear();
                        if (text.Length > 0)
                        {
                            prompt = await HandleCommandAsync(stream, text, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    else if (c == Esc)
                    {
                        line.Clear();
                    }
                    else if (c != '\n')
                    {
                        line.Append(c);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The link went away; a new one may come.
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_current, stream))
                {
                    _current = null;
                }
            }

            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A message arrives from the network: stores it (split into parts when long) and announces each
    /// part with <c>+CMTI</c> when <see cref="NotifyIncoming"/> is on.
    /// </summary>
    /// <param name="sender">The sender: a number or an alphanumeric name.</param>
    /// <param name="text">The text.</param>
    /// <param name="timestamp">The service-centre timestamp; <see langword="null"/> for now.</param>
    /// <param name="cancellationToken">Cancels the notification.</param>
    /// <returns>The storage indexes used, one per part.</returns>
    /// <exception cref="InvalidOperationException">The SIM store is full.</exception>
    public async Task<IReadOnlyList<int>> DeliverAsync(string sender, string text, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        var reference = Interlocked.Increment(ref _deliverReference) & 0xFF;
        var pdus = SmsPduEncoder.EncodeDeliver(sender, text, timestamp ?? Options.TimeProvider.GetLocalNow(), new SmsEncodingOptions { ServiceCenter = Options.ServiceCenter, ConcatenationReference = reference });
        var indexes = new List<int>();
        foreach (var pdu in pdus)
        {
            indexes.Add(await DeliverPduAsync(pdu.Hex, NotifyIncoming, cancellationToken).ConfigureAwait(false));
        }

        return indexes;
    }

    /// <summary>Stores a raw PDU (any bytes, even broken ones) and optionally announces it.</summary>
    /// <param name="pduHex">The PDU in hex, with its service-centre prefix.</param>
    /// <param name="notify">Whether to send <c>+CMTI</c>.</param>
    /// <param name="cancellationToken">Cancels the notification.</param>
    /// <returns>The storage index.</returns>
    public async Task<int> DeliverPduAsync(string pduHex, bool notify = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pduHex);
        var (storage, index) = Store(pduHex, isStatusReport: false);
        if (notify)
        {
            await SendUnsolicitedAsync($"+CMTI: \"{storage}\",{index}", cancellationToken).ConfigureAwait(false);
        }

        return index;
    }

    /// <summary>Sends a line to the connected backend as if the modem produced it unprompted (<c>+CREG: 1</c>, <c>RING</c>, vendor noise).</summary>
    /// <param name="line">The line, without line end; embedded CR LF pairs send several lines.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task SendUnsolicitedAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        Stream? stream;
        lock (_gate)
        {
            stream = _current;
        }

        if (stream is not null && !Unresponsive)
        {
            await WriteAsync(stream, $"\r\n{line}\r\n", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the current connection, as a pulled cable or a restarting ser2net would; a TCP listener takes the next one.</summary>
    public async Task DisconnectAsync()
    {
        Stream? stream;
        lock (_gate)
        {
            stream = _current;
            _current = null;
        }

        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Makes the next <paramref name="times"/> commands starting with <paramref name="commandPrefix"/> end with <paramref name="finalResult"/>, such as <c>+CMS ERROR: 332</c>. For <c>AT+CMGS</c> the error comes after the body, as a network rejection does.</summary>
    /// <param name="commandPrefix">Such as <c>AT+CMGS</c> or <c>AT+CMGD</c>.</param>
    /// <param name="finalResult">Such as <c>ERROR</c>, <c>+CMS ERROR: 332</c>, <c>+CME ERROR: 14</c>.</param>
    /// <param name="times">How many times.</param>
    public void FailNext(string commandPrefix, string finalResult, int times = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandPrefix);
        ArgumentException.ThrowIfNullOrEmpty(finalResult);
        lock (_gate)
        {
            _failures.Add((commandPrefix, finalResult, times));
        }
    }

    /// <summary>While the next message is being sent (between the body and <c>+CMGS</c>), a message from <paramref name="sender"/> arrives and is announced.</summary>
    /// <param name="sender">The sender.</param>
    /// <param name="text">The text.</param>
    public void DeliverDuringNextSend(string sender, string text)
    {
        lock (_gate)
        {
            _deliverDuringSend = (sender, text);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have been sent.</summary>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Gives up; pass a token with a timeout.</param>
    /// <returns>The sent messages at that point.</returns>
    public async Task<IReadOnlyList<GsmSimulatorMessage>> WaitForSentAsync(int count, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => _sent.Count >= count, cancellationToken).ConfigureAwait(false);
        return Sent;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; it is checked after every command and delivery, under the simulator's lock.</summary>
    /// <param name="condition">What to wait for, such as <c>() =&gt; modem.Storage.Count == 0</c> (read only the simulator in it).</param>
    /// <param name="cancellationToken">Gives up; pass a token with a timeout.</param>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, signal));
        }

        try
        {
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => ReferenceEquals(w.Signal, signal));
            }
        }
    }

    /// <summary>Stops listening and serving, and closes the current connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Stream? current;
        Task[] background;
        lock (_gate)
        {
            _listener?.Stop();
            current = _current;
            background = [.. _background];
        }

        if (current is not null)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(background).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                client.NoDelay = true;
                lock (_gate)
                {
                    _background.Add(Task.Run(() => ServeAsync(client.GetStream(), _stop.Token)));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private (string Storage, int Index) Store(string pdu, bool isStatusReport)
    {
        lock (_gate)
        {
            var name = _incoming ?? Options.Storages[0];
            var memory = _memories[name];
            if (memory.Count >= Options.Capacity)
            {
                throw new InvalidOperationException($"The simulated storage {name} is full ({Options.Capacity} messages).");
            }

            var index = Options.FirstIndex;
            while (memory.ContainsKey(index))
            {
                index++;
            }

            memory[index] = new Stored(pdu, isStatusReport);
            SignalWaiters();
            return (name, index);
        }
    }

    private async Task<string?> HandleCommandAsync(Stream stream, string line, CancellationToken cancellationToken)
    {
        string? failure = null;
        lock (_gate)
        {
            _commands.Add(line);
            for (var i = 0; i < _failures.Count; i++)
            {
                if (line.StartsWith(_failures[i].Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    failure = _failures[i].Result;
                    _failures[i] = _failures[i] with { Remaining = _failures[i].Remaining - 1 };
                    if (_failures[i].Remaining <= 0)
                    {
                        _failures.RemoveAt(i);
                    }

                    break;
                }
            }

            SignalWaiters();
        }

        if (Unresponsive)
        {
            return null;
        }

        if (_echo)
        {
            await WriteAsync(stream, line + "\r", cancellationToken).ConfigureAwait(false);
        }

        var upper = line.ToUpperInvariant();
        if (upper.StartsWith("AT+CMGS=", StringComparison.Ordinal))
        {
            if (Options.VendorNoise)
            {
                await WriteAsync(stream, "\r\n+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"\r\n+ZPASR: \"UMTS\"\r\n", cancellationToken).ConfigureAwait(false);
            }

            await WriteAsync(stream, "\r\n> ", cancellationToken).ConfigureAwait(false);
            return failure is null ? line : line + "\n" + failure;
        }

        if (failure is not null)
        {
            await ReplyAsync(stream, failure, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var response = Respond(line, upper);
        await ReplyAsync(stream, response, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private string Respond(string line, string upper)
    {
        if (_pinLocked && upper is not "AT" and not "ATZ" and not "ATE0" and not "ATE1" && !upper.StartsWith("AT+CPIN", StringComparison.Ordinal) && !upper.StartsWith("AT+CMEE", StringComparison.Ordinal))
        {
            return "+CME ERROR: 11";
        }

        switch (upper)
        {
            case "AT" or "ATZ" or "AT&F":
                return "OK";
            case "ATE0":
                _echo = false;
                return "OK";
            case "ATE1":
                _echo = true;
                return "OK";
            case "AT+CPIN?":
                return _pinLocked ? "+CPIN: SIM PIN\r\n\r\nOK" : "+CPIN: READY\r\n\r\nOK";
            case "AT+CMGF=0":
                if (!Options.SupportsPduMode)
                {
                    return "ERROR";
                }

                _textMode = false;
                return "OK";
            case "AT+CMGF=1":
                _textMode = true;
                return "OK";
            case "AT+CREG?":
                return $"+CREG: 0,{Options.Registration}\r\n\r\nOK";
            case "AT+CSQ":
                return $"+CSQ: {Options.SignalQuality},99\r\n\r\nOK";
            case "AT+COPS?":
                return $"+COPS: 0,0,\"{Options.Operator}\",2\r\n\r\nOK";
            case "AT+CGMI":
                return $"{Options.Manufacturer}\r\n\r\nOK";
            case "AT+CGMM":
                return $"{Options.Model}\r\n\r\nOK";
            case "AT+CGSN":
                return "356938035643809\r\n\r\nOK";
            case "AT+CGMR":
                return "1.0\r\n\r\nOK";
            case "AT+CIMI":
                return "641100000000001\r\n\r\nOK";
            case "AT+CSCS?":
                return "+CSCS: \"GSM\"\r\n\r\nOK";
            case "AT+CSCS=?":
                return "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")\r\n\r\nOK";
            case "AT+CMGF=?":
                return Options.SupportsPduMode ? "+CMGF: (0,1)\r\n\r\nOK" : "+CMGF: (1)\r\n\r\nOK";
            case "AT+CPMS=?":
                var memories = "(" + string.Join(',', Options.Storages.Select(m => $"\"{m}\"")) + ")";
                return $"+CPMS: {memories},{memories},{memories}\r\n\r\nOK";
            case "AT+CNMI=?":
                return "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK";
            case "AT+CMGL=?":
                return _textMode ? "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")\r\n\r\nOK" : "+CMGL: (0-4)\r\n\r\nOK";
            case "AT+CSMS?":
                return "+CSMS: 0,1,1,1\r\n\r\nOK";
            case "AT+CMGF?":
                return $"+CMGF: {(_textMode ? 1 : 0)}\r\n\r\nOK";
            case "AT+CSCA?":
                return $"+CSCA: \"{Options.ServiceCenter}\",145\r\n\r\nOK";
            case "AT+CPMS?":
                lock (_gate)
                {
                    var used = _storage.Count;
                    return $"+CPMS: \"{_selected}\",{used},{Options.Capacity},\"{_selected}\",{used},{Options.Capacity},\"{_selected}\",{used},{Options.Capacity}\r\n\r\nOK";
                }
        }

        if (upper.StartsWith("AT+CPIN=", StringComparison.Ordinal))
        {
            var pin = line[8..].Trim('"');
            if (Options.Pin is null || pin == Options.Pin)
            {
                _pinLocked = false;
                return "OK";
            }

            return "+CME ERROR: 16";
        }

        if (upper.EndsWith("=?", StringComparison.Ordinal))
        {
            return "ERROR";
        }

        if (upper.StartsWith("AT+CMGR=", StringComparison.Ordinal))
        {
            return ReadMessage(Index(line[8..]));
        }

        if (upper.StartsWith("AT+CMGL", StringComparison.Ordinal))
        {
            return List();
        }

        if (upper.StartsWith("AT+CMGD=", StringComparison.Ordinal))
        {
            var args = line[8..].Split(',');
            lock (_gate)
            {
                if (args.Length > 1 && args[1].Trim() == "4")
                {
                    _deleted.AddRange(_storage.Keys);
                    _storage.Clear();
                }
                else
                {
                    var index = Index(args[0]);
                    _storage.Remove(index);
                    _deleted.Add(index);
                }

                SignalWaiters();
            }

            return "OK";
        }

        if (upper.StartsWith("AT+CPMS=", StringComparison.Ordinal))
        {
            lock (_gate)
            {
                // Only the first memory (where reading, listing and deleting happen) is simulated.
                var memory = line[8..].Split(',')[0].Trim().Trim('"');
                if (!_memories.TryGetValue(memory, out var selected))
                {
                    return "+CMS ERROR: 302";
                }

                _selected = memory;
                _storage = selected;
                var used = _storage.Count;
                return $"+CPMS: {used},{Options.Capacity},{used},{Options.Capacity},{used},{Options.Capacity}\r\n\r\nOK";
            }
        }

        if (upper.StartsWith("AT+CNMI=", StringComparison.Ordinal) || upper.StartsWith("AT+CMEE=", StringComparison.Ordinal)
            || upper.StartsWith("AT+CSCA=", StringComparison.Ordinal) || upper.StartsWith("AT+CSCS=", StringComparison.Ordinal)
            || upper.StartsWith("AT+CSMP=", StringComparison.Ordinal) || upper.StartsWith("AT+CSDH=", StringComparison.Ordinal)
            || upper.StartsWith("AT^CURC=", StringComparison.Ordinal) || upper.StartsWith("AT+CFUN=", StringComparison.Ordinal)
            || upper.StartsWith("AT+CREG=", StringComparison.Ordinal))
        {
            return "OK";
        }

        return "ERROR";
    }

    private static int TpduLength(string pdu)
    {
        try
        {
            return SmsPdu.TpduOf(pdu).Length / 2;
        }
        catch (PduFormatException)
        {
            return pdu.Length / 2;
        }
    }

    private static int Index(string text) => int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : -1;

    private string ReadMessage(int index)
    {
        lock (_gate)
        {
            if (!_storage.TryGetValue(index, out var stored))
            {
                return "+CMS ERROR: 321";
            }

            var status = stored.Read ? 1 : 0;
            _storage[index] = stored with { Read = true };
            if (_textMode)
            {
                return TextHeader("+CMGR: ", stored) + "\r\n\r\nOK";
            }

            return $"+CMGR: {status},,{TpduLength(stored.Pdu)}\r\n{stored.Pdu}\r\n\r\nOK";
        }
    }

    private string List()
    {
        var builder = new StringBuilder();
        lock (_gate)
        {
            foreach (var (index, stored) in _storage.ToArray())
            {
                if (_textMode)
                {
                    builder.Append(TextHeader($"+CMGL: {index},", stored)).Append("\r\n");
                }
                else
                {
                    builder.Append(CultureInfo.InvariantCulture, $"+CMGL: {index},{(stored.Read ? 1 : 0)},,{TpduLength(stored.Pdu)}\r\n{stored.Pdu}\r\n");
                }

                _storage[index] = stored with { Read = true };
            }
        }

        return builder.Append("\r\nOK").ToString();
    }

    private static string TextHeader(string prefix, Stored stored)
    {
        var status = stored.Read ? "REC READ" : "REC UNREAD";
        if (SmsPdu.TryDecode(stored.Pdu, PduDirection.ToMobile, out var pdu, out _) && pdu is SmsDeliver deliver)
        {
            var time = deliver.ServiceCenterTimestamp is { } t
                ? t.ToString("yy'/'MM'/'dd','HH':'mm':'ss", CultureInfo.InvariantCulture) + (t.Offset < TimeSpan.Zero ? "-" : "+") + ((int)Math.Abs(t.Offset.TotalMinutes / 15)).ToString("00", CultureInfo.InvariantCulture)
                : string.Empty;
            return $"{prefix}\"{status}\",\"{deliver.Originator.Number}\",,\"{time}\"\r\n{deliver.Text}";
        }

        return $"{prefix}\"{status}\",\"\",,\"\"\r\n";
    }

    private async Task CompleteSendAsync(Stream stream, string command, string body, CancellationToken cancellationToken)
    {
        var failure = command.Contains('\n', StringComparison.Ordinal) ? command[(command.IndexOf('\n', StringComparison.Ordinal) + 1)..] : null;
        (string Sender, string Text)? during;
        lock (_gate)
        {
            during = _deliverDuringSend;
            _deliverDuringSend = null;
        }

        if (Options.VendorNoise)
        {
            await WriteAsync(stream, "\r\n+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"\r\n", cancellationToken).ConfigureAwait(false);
        }

        if (during is { } incoming)
        {
            await DeliverAsync(incoming.Sender, incoming.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (Unresponsive)
        {
            return;
        }

        if (failure is not null)
        {
            await ReplyAsync(stream, failure, cancellationToken).ConfigureAwait(false);
            return;
        }

        string recipient;
        string text;
        bool reportRequested;
        ConcatenationInfo? concatenation = null;
        if (_textMode)
        {
            var values = command[(command.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(',');
            recipient = values[0].Trim('"');
            text = body;
            reportRequested = false;
        }
        else
        {
            if (!SmsPdu.TryDecode(body, PduDirection.FromMobile, out var pdu, out _) || pdu is not SmsSubmit submit)
            {
                await ReplyAsync(stream, "+CMS ERROR: 304", cancellationToken).ConfigureAwait(false);
                return;
            }

            var declared = Index(command[(command.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (declared != SmsPdu.TpduOf(body).Length / 2)
            {
                await ReplyAsync(stream, "+CMS ERROR: 304", cancellationToken).ConfigureAwait(false);
                return;
            }

            recipient = submit.Destination.Number;
            text = submit.Text;
            reportRequested = submit.StatusReportRequest;
            concatenation = submit.Concatenation;
        }

        int reference;
        lock (_gate)
        {
            reference = _nextReference;
            _nextReference = (_nextReference + 1) & 0xFF;
            if (concatenation is { Total: > 1 } part)
            {
                var key = (recipient, part.Reference, part.Total);
                if (!_outgoingParts.TryGetValue(key, out var parts))
                {
                    parts = [];
                    _outgoingParts[key] = parts;
                }

                parts[part.Sequence] = (text, reference);
                if (parts.Count == part.Total)
                {
                    _outgoingParts.Remove(key);
                    _sent.Add(new GsmSimulatorMessage(recipient, string.Concat(parts.Values.Select(p => p.Text)), part.Total, [.. parts.Values.Select(p => p.Reference)], reportRequested));
                }
            }
            else
            {
                _sent.Add(new GsmSimulatorMessage(recipient, text, 1, [reference], reportRequested));
            }

            SignalWaiters();
        }

        await ReplyAsync(stream, $"+CMGS: {reference}\r\n\r\nOK", cancellationToken).ConfigureAwait(false);
        if (reportRequested && Options.StatusReports)
        {
            var now = Options.TimeProvider.GetLocalNow();
            var report = SmsPduEncoder.EncodeStatusReport((byte)reference, recipient, now, now, Options.StatusReportStatus, Options.ServiceCenter);
            var (storage, index) = Store(report.Hex, isStatusReport: true);
            if (NotifyIncoming)
            {
                await SendUnsolicitedAsync($"+CDSI: \"{storage}\",{index}", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task ReplyAsync(Stream stream, string response, CancellationToken cancellationToken) =>
        Unresponsive ? Task.CompletedTask : WriteAsync(stream, $"\r\n{response}\r\n", cancellationToken);

    private async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(text), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void SignalWaiters()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Signal.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    private sealed record Stored(string Pdu, bool IsStatusReport, bool Read = false);
}
