namespace RapidSms.Testing.Gsm;

/// <summary>How a <see cref="GsmModemSimulator"/> behaves when it starts; most can be changed while it runs.</summary>
public sealed class GsmModemSimulatorOptions
{
    /// <summary>The SIM PIN; when set, the SIM starts locked (<c>+CPIN: SIM PIN</c>). Defaults to none.</summary>
    public string? Pin { get; set; }

    /// <summary>Whether <c>AT+CMGF=0</c> is accepted; turn off to exercise the text-mode fallback. Defaults to <see langword="true"/>.</summary>
    public bool SupportsPduMode { get; set; } = true;

    /// <summary>Whether the modem echoes commands until <c>ATE0</c>, as real modems do after power-up. Defaults to <see langword="true"/>.</summary>
    public bool Echo { get; set; } = true;

    /// <summary>What <c>AT+CGMI</c> answers. Defaults to <c>RapidSms</c>.</summary>
    public string Manufacturer { get; set; } = "RapidSms";

    /// <summary>What <c>AT+CGMM</c> answers. Defaults to <c>GSM simulator</c>.</summary>
    public string Model { get; set; } = "GSM simulator";

    /// <summary>The operator <c>AT+COPS?</c> names. Defaults to <c>Simulated</c>.</summary>
    public string Operator { get; set; } = "Simulated";

    /// <summary>The <c>AT+CSQ</c> signal quality, 0–31 or 99 for unknown. Defaults to 20.</summary>
    public int SignalQuality { get; set; } = 20;

    /// <summary>The <c>AT+CREG?</c> status: 1 home, 5 roaming, 2 searching, 0 not registered. Defaults to 1.</summary>
    public int Registration { get; set; } = 1;

    /// <summary>The first storage index (0 or 1). Defaults to 1.</summary>
    public int FirstIndex { get; set; } = 1;

    /// <summary>
    /// The message storages the modem has (<c>AT+CPMS=?</c>), such as <c>SM</c> (the SIM) and <c>ME</c> (the modem's
    /// own memory); the first is selected at power-up. Defaults to <c>SM</c> and <c>ME</c>.
    /// </summary>
    public IReadOnlyList<string> Storages { get; set; } = ["SM", "ME"];

    /// <summary>How many messages each storage holds. Defaults to 30.</summary>
    public int Capacity { get; set; } = 30;

    /// <summary>The service centre written into delivered PDUs. Defaults to <c>+256700000000</c>.</summary>
    public string ServiceCenter { get; set; } = "+256700000000";

    /// <summary>Whether a message sent with a status-report request is followed by a stored status report and <c>+CDSI</c>. Defaults to <see langword="true"/>.</summary>
    public bool StatusReports { get; set; } = true;

    /// <summary>The TP-ST status the generated status reports carry (0 delivered). Defaults to 0.</summary>
    public byte StatusReportStatus { get; set; }

    /// <summary>Whether to chatter ZTE-style <c>+ZDONR</c>/<c>+ZPASR</c> lines around sends. Defaults to <see langword="false"/>.</summary>
    public bool VendorNoise { get; set; }

    /// <summary>The clock for timestamps; defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
