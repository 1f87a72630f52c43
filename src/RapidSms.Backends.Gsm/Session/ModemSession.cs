using System.Globalization;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm.Session;

/// <summary>One open link to a modem: initialisation and the SMS commands, over an <see cref="AtChannel"/>.</summary>
internal sealed class ModemSession : IAsyncDisposable
{
    private const int TransientAttempts = 3;
    private readonly GsmOptions _options;
    private readonly GsmModemProfile _profile;
    private readonly string _backend;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private string? _storage;

    public ModemSession(AtChannel channel, GsmOptions options, GsmModemProfile profile, string backend, ILogger logger, TimeProvider time)
    {
        Channel = channel;
        _options = options;
        _profile = profile;
        _backend = backend;
        _logger = logger;
        _time = time;
        Mode = options.Mode;
    }

    public AtChannel Channel { get; }

    public GsmMessageMode Mode { get; private set; }

    public string? Manufacturer { get; private set; }

    public string? Model { get; private set; }

    public GsmRegistration Registration { get; set; } = GsmRegistration.Unknown;

    public string? Operator { get; private set; }

    public int? SignalQuality { get; private set; }

    /// <summary>The storages the sweep lists, in order; <see langword="null"/> in the list stands for the one selected (the modem did not say which).</summary>
    public IReadOnlyList<string?> SweepStorages { get; private set; } = [null];

    /// <summary>The storage reading and deleting apply to now, once known.</summary>
    public string? SelectedStorage => _storage;

    public int StorageIndexBase => _options.StorageIndexBase ?? _profile.StorageIndexBase;

    public ValueTask DisposeAsync() => Channel.DisposeAsync();

    /// <summary>Runs a command, retrying transient errors (SIM busy, network timeout) with back-off, and throws unless it ends with OK.</summary>
    public async Task<AtResponse> RunAsync(AtCommand command, CancellationToken cancellationToken, int attempts = TransientAttempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await Channel.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            if (response.IsOk)
            {
                return response;
            }

            var error = new GsmModemException(_backend, command.LogText, response.Result, response.ErrorCode, response.FinalLine);
            if (!error.IsTransient || attempt >= attempts)
            {
                throw error;
            }

            Log.CommandRetry(_logger, _backend, command.LogText, attempt, attempts, error.Meaning);
            var delay = TimeSpan.FromMilliseconds((200 << Math.Min(attempt, 6)) * (0.8 + (Random.Shared.NextDouble() * 0.4)));
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<AtResponse> RunAsync(string text, string? prefix, CancellationToken cancellationToken) =>
        RunAsync(new AtCommand(text, prefix, _options.CommandTimeout), cancellationToken);

    /// <summary>Brings the modem from any state to ready: escape, reset, echo off, errors, PIN, mode, indications, registration.</summary>
    public async Task BootAsync(CancellationToken cancellationToken)
    {
        // A half-typed command or a prompt left open by a previous run is ended by ESC; then find the modem's attention.
        await Channel.EscapeAsync().ConfigureAwait(false);
        var attention = new AtCommand("AT", null, _options.CommandTimeout);
        try
        {
            await Channel.ExecuteAsync(attention, cancellationToken).ConfigureAwait(false);
        }
        catch (GsmModemException ex) when (ex.Kind == AtResultKind.Timeout)
        {
            await Channel.ExecuteAsync(attention, cancellationToken).ConfigureAwait(false);
        }

        if (_options.ResetOnOpen)
        {
            await Channel.ExecuteAsync(new AtCommand("ATZ", null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        }

        await Channel.ExecuteAsync(new AtCommand("ATE0", null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        await OptionalAsync("AT+CMEE=1", cancellationToken).ConfigureAwait(false);
        await UnlockSimAsync(cancellationToken).ConfigureAwait(false);

        foreach (var command in _profile.InitCommands.Concat(_options.InitCommands))
        {
            await OptionalAsync(command, cancellationToken).ConfigureAwait(false);
        }

        await SelectModeAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(_options.SmsCenter))
        {
            var number = _options.SmsCenter.Trim();
            await RunAsync($"AT+CSCA=\"{number}\",{(number.StartsWith('+') ? 145 : 129)}", null, cancellationToken).ConfigureAwait(false);
        }

        var indications = _options.NewMessageIndication is { Length: > 0 } own ? [own] : _profile.NewMessageIndications;
        var accepted = false;
        foreach (var command in indications)
        {
            var response = await Channel.ExecuteAsync(new AtCommand(command, null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
            if (response.IsOk)
            {
                accepted = true;
                break;
            }
        }

        if (!accepted)
        {
            Log.OptionalCommandFailed(_logger, _backend, "AT+CNMI", "no new-message indication setting was accepted; relying on the periodic sweep");
        }

        var storage = await Channel.ExecuteAsync(new AtCommand("AT+CPMS?", "+CPMS:", _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (storage.IsOk && storage.Value("+CPMS:") is { } value)
        {
            _storage = AtParsing.Values("+CPMS:" + value)[0];
        }

        await ChooseSweepStoragesAsync(cancellationToken).ConfigureAwait(false);

        await WaitForRegistrationAsync(cancellationToken).ConfigureAwait(false);
        Manufacturer = await IdentityAsync("AT+CGMI", cancellationToken).ConfigureAwait(false);
        Model = await IdentityAsync("AT+CGMM", cancellationToken).ConfigureAwait(false);
        await RefreshStatusAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads signal quality, registration and operator.</summary>
    public async Task RefreshStatusAsync(CancellationToken cancellationToken)
    {
        var csq = await Channel.ExecuteAsync(new AtCommand("AT+CSQ", "+CSQ:", _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (csq.IsOk && csq.Value("+CSQ:") is { } signal)
        {
            var rssi = AtParsing.Int(AtParsing.Values("+CSQ:" + signal), 0);
            SignalQuality = rssi is >= 0 and <= 31 ? rssi : null;
        }

        await ReadRegistrationAsync(cancellationToken).ConfigureAwait(false);
        var cops = await Channel.ExecuteAsync(new AtCommand("AT+COPS?", "+COPS:", _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (cops.IsOk && cops.Value("+COPS:") is { } op)
        {
            var values = AtParsing.Values("+COPS:" + op);
            Operator = values.Count > 2 && values[2].Length > 0 ? values[2] : null;
        }
    }

    /// <summary>Reads one stored message, or <see langword="null"/> when the slot is empty.</summary>
    public async Task<StoredMessage?> ReadAsync(int index, string? storage, CancellationToken cancellationToken)
    {
        await SelectStorageAsync(storage, cancellationToken).ConfigureAwait(false);
        storage ??= _storage;
        var command = new AtCommand(FormattableString.Invariant($"AT+CMGR={index}"), "+CMGR:", _options.CommandTimeout) { TextBodies = Mode == GsmMessageMode.Text };
        var response = await Channel.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            if (response is { Result: AtResultKind.CmsError, ErrorCode: 321 } or { Result: AtResultKind.CmeError, ErrorCode: 21 or 22 })
            {
                return null;
            }

            response.EnsureOk(_backend);
        }

        var lines = response.Lines;
        if (lines.Count < 2)
        {
            return null;
        }

        var values = AtParsing.Values(lines[0]);
        if (Mode == GsmMessageMode.Pdu)
        {
            return lines[1].Length == 0 ? null : new StoredMessage(index, lines[1], null) { IsOutgoing = AtParsing.Int(values, 0) is 2 or 3, Storage = storage };
        }

        return new StoredMessage(index, null, new TextModeMessage(values.ElementAtOrDefault(1) ?? string.Empty, AtParsing.TextTimestamp(values.ElementAtOrDefault(3) ?? string.Empty), lines[1]))
        {
            IsOutgoing = values.ElementAtOrDefault(0)?.StartsWith("STO", StringComparison.OrdinalIgnoreCase) == true,
            Storage = storage,
        };
    }

    /// <summary>Lists every message (read or not) in <paramref name="storage"/>, or in the selected storage when it is <see langword="null"/>.</summary>
    public async Task<IReadOnlyList<StoredMessage>> ListAsync(string? storage, CancellationToken cancellationToken)
    {
        await SelectStorageAsync(storage, cancellationToken).ConfigureAwait(false);
        storage ??= _storage;
        var text = Mode == GsmMessageMode.Pdu ? "AT+CMGL=4" : "AT+CMGL=\"ALL\"";
        var command = new AtCommand(text, "+CMGL:", _options.SendTimeout) { TextBodies = Mode == GsmMessageMode.Text };
        var response = await Channel.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        if (response is { Result: AtResultKind.CmsError, ErrorCode: 321 })
        {
            // Some modems answer an empty listing with "invalid memory index".
            return [];
        }

        if (response.Result == AtResultKind.Error)
        {
            return await ListByIndexAsync(storage, cancellationToken).ConfigureAwait(false);
        }

        response.EnsureOk(_backend);
        var result = new List<StoredMessage>();
        var lines = response.Lines;
        for (var i = 0; i + 1 < lines.Count; i += 2)
        {
            var values = AtParsing.Values(lines[i]);
            if (AtParsing.Int(values, 0) is not { } index)
            {
                continue;
            }

            result.Add(Mode == GsmMessageMode.Pdu
                ? new StoredMessage(index, lines[i + 1], null) { IsOutgoing = AtParsing.Int(values, 1) is 2 or 3, Storage = storage }
                : new StoredMessage(index, null, new TextModeMessage(values.ElementAtOrDefault(2) ?? string.Empty, AtParsing.TextTimestamp(values.ElementAtOrDefault(4) ?? string.Empty), lines[i + 1]))
                {
                    IsOutgoing = values.ElementAtOrDefault(1)?.StartsWith("STO", StringComparison.OrdinalIgnoreCase) == true,
                    Storage = storage,
                });
        }

        return result;
    }

    /// <summary>Deletes one message from <paramref name="storage"/> (the selected one when <see langword="null"/>).</summary>
    public async Task DeleteAsync(int index, string? storage, CancellationToken cancellationToken)
    {
        await SelectStorageAsync(storage, cancellationToken).ConfigureAwait(false);
        var template = _options.DeleteCommand is { Length: > 0 } own ? own : _profile.DeleteCommand;
        await RunAsync(string.Format(CultureInfo.InvariantCulture, template, index), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one PDU; returns the message reference from <c>+CMGS</c>.</summary>
    public async Task<int> SendPduAsync(EncodedPdu pdu, CancellationToken cancellationToken)
    {
        var command = new AtCommand(FormattableString.Invariant($"AT+CMGS={pdu.TpduLength}"), "+CMGS:", _options.SendTimeout) { Payload = pdu.Hex, PromptTimeout = _options.CommandTimeout };
        var response = await RunAsync(command, cancellationToken, _options.SendAttempts).ConfigureAwait(false);
        return AtParsing.Int(AtParsing.Values("+CMGS:" + response.Value("+CMGS:")), 0) ?? -1;
    }

    /// <summary>Sends a text-mode message; returns the message reference from <c>+CMGS</c>.</summary>
    public async Task<int> SendTextAsync(string number, string text, CancellationToken cancellationToken)
    {
        var type = number.StartsWith('+') ? 145 : 129;
        var command = new AtCommand(FormattableString.Invariant($"AT+CMGS=\"{number}\",{type}"), "+CMGS:", _options.SendTimeout) { Payload = text, PromptTimeout = _options.CommandTimeout };
        var response = await RunAsync(command, cancellationToken, _options.SendAttempts).ConfigureAwait(false);
        return AtParsing.Int(AtParsing.Values("+CMGS:" + response.Value("+CMGS:")), 0) ?? -1;
    }

    public async Task ReadRegistrationAsync(CancellationToken cancellationToken)
    {
        var response = await Channel.ExecuteAsync(new AtCommand("AT+CREG?", "+CREG:", _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (response.IsOk && response.Value("+CREG:") is { } value)
        {
            var values = AtParsing.Values("+CREG:" + value);
            var stat = AtParsing.Int(values, values.Count >= 2 ? 1 : 0);
            Registration = stat is >= 0 and <= 5 ? (GsmRegistration)stat.Value : GsmRegistration.Unknown;
        }
    }

    /// <summary>
    /// Picks the storages to sweep: the configured (or the profile's) list, less those the modem does not offer for
    /// reading in <c>AT+CPMS=?</c>. A modem that does not answer the question is swept in every listed storage (one it
    /// lacks then fails to select, which is logged and skipped); when none is left, the selected one is swept.
    /// </summary>
    private async Task ChooseSweepStoragesAsync(CancellationToken cancellationToken)
    {
        IEnumerable<string> wanted = _options.Storages.Count > 0 ? _options.Storages : _profile.Storages;
        var offered = await Channel.ExecuteAsync(new AtCommand("AT+CPMS=?", "+CPMS:", _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        var readable = offered.IsOk && offered.Value("+CPMS:") is { } list ? AtParsing.FirstGroup(list) : [];
        var chosen = wanted
            .Select(s => s.Trim().ToUpperInvariant())
            .Where(s => s.Length > 0 && (readable.Count == 0 || readable.Contains(s, StringComparer.OrdinalIgnoreCase)))
            .Distinct(StringComparer.Ordinal)
            .ToList<string?>();
        SweepStorages = chosen.Count > 0 ? chosen : [_storage];
    }

    private async Task SelectStorageAsync(string? storage, CancellationToken cancellationToken)
    {
        if (storage is null || string.Equals(storage, _storage, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await RunAsync($"AT+CPMS=\"{storage}\"", "+CPMS:", cancellationToken).ConfigureAwait(false);
        _storage = storage;
    }

    private async Task<IReadOnlyList<StoredMessage>> ListByIndexAsync(string? storage, CancellationToken cancellationToken)
    {
        // No AT+CMGL: read the storage slot by slot, from the profile's first index.
        var counts = await RunAsync("AT+CPMS?", "+CPMS:", cancellationToken).ConfigureAwait(false);
        var total = AtParsing.Int(AtParsing.Values("+CPMS:" + counts.Value("+CPMS:")), 2) ?? 0;
        var result = new List<StoredMessage>();
        for (var index = StorageIndexBase; index < StorageIndexBase + total; index++)
        {
            if (await ReadAsync(index, storage, cancellationToken).ConfigureAwait(false) is { } message)
            {
                result.Add(message);
            }
        }

        return result;
    }

    private async Task UnlockSimAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 10; round++)
        {
            var response = await RunAsync("AT+CPIN?", "+CPIN:", cancellationToken).ConfigureAwait(false);
            var state = response.Value("+CPIN:") ?? "READY";
            switch (state)
            {
                case "READY":
                    return;
                case "SIM PIN" when round == 0:
                    if (string.IsNullOrEmpty(_options.Pin))
                    {
                        throw new GsmModemException(_backend, "AT+CPIN?", AtResultKind.CmeError, 11);
                    }

                    await RunAsync(new AtCommand($"AT+CPIN=\"{_options.Pin}\"", null, _options.CommandTimeout) { LogText = "AT+CPIN=\"****\"" }, cancellationToken).ConfigureAwait(false);
                    break;
                case "SIM PIN":
                    // The PIN was accepted but the SIM is still waking up.
                    break;
                default:
                    throw new GsmModemException(_backend, "AT+CPIN?", AtResultKind.Error, null, $"+CPIN: {state} (unlock the SIM in a phone first)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SelectModeAsync(CancellationToken cancellationToken)
    {
        if (Mode == GsmMessageMode.Text)
        {
            await RunAsync("AT+CMGF=1", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var pdu = await Channel.ExecuteAsync(new AtCommand("AT+CMGF=0", null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (pdu.IsOk)
        {
            return;
        }

        if (!_options.TextModeFallback)
        {
            pdu.EnsureOk(_backend);
        }

        await RunAsync("AT+CMGF=1", null, cancellationToken).ConfigureAwait(false);
        Mode = GsmMessageMode.Text;
        Log.TextModeFallback(_logger, _backend);
    }

    private async Task WaitForRegistrationAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.RegistrationTimeout;
        while (true)
        {
            await ReadRegistrationAsync(cancellationToken).ConfigureAwait(false);
            if (Registration is GsmRegistration.Home or GsmRegistration.Roaming)
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                Log.NotRegistered(_logger, _backend, _options.RegistrationTimeout, Registration.ToString());
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(10, _options.RegistrationTimeout.TotalMilliseconds / 10))), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OptionalAsync(string command, CancellationToken cancellationToken)
    {
        var response = await Channel.ExecuteAsync(new AtCommand(command, null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            Log.OptionalCommandFailed(_logger, _backend, command, response.FinalLine);
        }
    }

    private async Task<string?> IdentityAsync(string command, CancellationToken cancellationToken)
    {
        var response = await Channel.ExecuteAsync(new AtCommand(command, null, _options.CommandTimeout), cancellationToken).ConfigureAwait(false);
        if (!response.IsOk || response.Lines.Count == 0)
        {
            return null;
        }

        var line = response.Lines[0];
        var prefix = command[2..] + ":";
        return line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? line[prefix.Length..].Trim() : line;
    }
}
