namespace RapidSms.Backends.Gsm;

/// <summary>
/// A modem family's quirks: extra initialisation commands, where storage indexes start, how
/// <c>AT+CMGD</c> is written, and which <c>AT+CNMI</c> settings to try. Pick one by name with
/// <see cref="GsmOptions.Profile"/>; single options override its parts.
/// </summary>
public sealed record GsmModemProfile
{
    /// <summary>Any modem that follows 3GPP TS 27.005: nothing extra, indexes from 1, <c>AT+CMGD=n,0</c>.</summary>
    public static GsmModemProfile Generic { get; } = new() { Name = "generic" };

    /// <summary>Huawei USB sticks (E173, E3131, …): <c>AT^CURC=0</c> silences periodic <c>^RSSI</c>/<c>^BOOT</c> reports; indexes from 0; <c>AT+CMGD=n</c>.</summary>
    public static GsmModemProfile Huawei { get; } = new()
    {
        Name = "huawei",
        InitCommands = ["AT^CURC=0"],
        StorageIndexBase = 0,
        DeleteCommand = "AT+CMGD={0}",
    };

    /// <summary>ZTE sticks (MF190, MF626, …): they chatter <c>+ZDONR</c>/<c>+ZPASR</c> lines, which are ignored; <c>AT+CMGD=n</c>.</summary>
    public static GsmModemProfile Zte { get; } = new()
    {
        Name = "zte",
        DeleteCommand = "AT+CMGD={0}",
    };

    /// <summary>SIMCom modules (SIM800, SIM7600): indexes from 0.</summary>
    public static GsmModemProfile Simcom { get; } = new()
    {
        Name = "simcom",
        StorageIndexBase = 0,
    };

    /// <summary>The profile's name, as <see cref="GsmOptions.Profile"/> names it.</summary>
    public required string Name { get; init; }

    /// <summary>Commands sent after the standard initialisation.</summary>
    public IReadOnlyList<string> InitCommands { get; init; } = [];

    /// <summary>The first storage index (0 or 1), used when messages are swept index by index. Defaults to 1.</summary>
    public int StorageIndexBase { get; init; } = 1;

    /// <summary>The delete command with <c>{0}</c> for the index. Defaults to <c>AT+CMGD={0},0</c>.</summary>
    public string DeleteCommand { get; init; } = "AT+CMGD={0},0";

    /// <summary>The <c>AT+CNMI</c> settings to try in order until one is accepted: store-and-notify (<c>+CMTI</c>, <c>+CDSI</c>) first.</summary>
    public IReadOnlyList<string> NewMessageIndications { get; init; } = ["AT+CNMI=2,1,0,2,0", "AT+CNMI=2,1,0,1,0", "AT+CNMI=1,1,0,2,0", "AT+CNMI=1,1,0,0,0"];

    /// <summary>
    /// The message storages the sweep lists, in order, where the modem has them (<c>AT+CPMS=?</c>): <c>SM</c> (the
    /// SIM) and <c>ME</c> (the modem's own memory, where some modems put messages once the SIM is full). Defaults to
    /// <c>SM</c>, <c>ME</c>.
    /// </summary>
    public IReadOnlyList<string> Storages { get; init; } = ["SM", "ME"];

    /// <summary>The profiles this package knows, by name.</summary>
    public static IReadOnlyDictionary<string, GsmModemProfile> Known { get; } = new Dictionary<string, GsmModemProfile>(StringComparer.OrdinalIgnoreCase)
    {
        [Generic.Name] = Generic,
        [Huawei.Name] = Huawei,
        [Zte.Name] = Zte,
        [Simcom.Name] = Simcom,
    };
}
