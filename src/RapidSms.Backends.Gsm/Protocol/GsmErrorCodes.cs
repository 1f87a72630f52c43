namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// The meaning of <c>+CMS ERROR</c> codes (3GPP TS 27.005 §3.2.5, with the network causes of TS 24.011 and
/// TS 23.040 below 256) and <c>+CME ERROR</c> codes (3GPP TS 27.007 §9.2), and which of them are worth a retry.
/// </summary>
public static class GsmErrorCodes
{
    private static readonly Dictionary<int, string> Cms = new()
    {
        [1] = "unassigned (unallocated) number",
        [8] = "operator determined barring",
        [10] = "call barred",
        [21] = "short message transfer rejected",
        [27] = "destination out of service",
        [28] = "unidentified subscriber",
        [29] = "facility rejected",
        [30] = "unknown subscriber",
        [38] = "network out of order",
        [41] = "temporary failure",
        [42] = "congestion",
        [47] = "resources unavailable, unspecified",
        [50] = "requested facility not subscribed",
        [69] = "requested facility not implemented",
        [81] = "invalid short message transfer reference value",
        [95] = "invalid message, unspecified",
        [96] = "invalid mandatory information",
        [97] = "message type non-existent or not implemented",
        [98] = "message not compatible with short message protocol state",
        [99] = "information element non-existent or not implemented",
        [111] = "protocol error, unspecified",
        [127] = "interworking, unspecified",
        [128] = "telematic interworking not supported",
        [129] = "short message type 0 not supported",
        [130] = "cannot replace short message",
        [143] = "unspecified TP-PID error",
        [144] = "data coding scheme (alphabet) not supported",
        [145] = "message class not supported",
        [159] = "unspecified TP-DCS error",
        [160] = "command cannot be actioned",
        [161] = "command unsupported",
        [175] = "unspecified TP-Command error",
        [176] = "TPDU not supported",
        [192] = "service centre busy",
        [193] = "no service centre subscription",
        [194] = "service centre system failure",
        [195] = "invalid SME address",
        [196] = "destination SME barred",
        [197] = "SM rejected, duplicate SM",
        [198] = "TP-VPF not supported",
        [199] = "TP-VP not supported",
        [208] = "SIM SMS storage full",
        [209] = "no SMS storage capability in SIM",
        [210] = "error in MS",
        [211] = "memory capacity exceeded",
        [212] = "SIM application toolkit busy",
        [213] = "SIM data download error",
        [255] = "unspecified error cause",
        [300] = "ME failure",
        [301] = "SMS service of ME reserved",
        [302] = "operation not allowed",
        [303] = "operation not supported",
        [304] = "invalid PDU mode parameter",
        [305] = "invalid text mode parameter",
        [310] = "SIM not inserted",
        [311] = "SIM PIN required",
        [312] = "PH-SIM PIN required",
        [313] = "SIM failure",
        [314] = "SIM busy",
        [315] = "SIM wrong",
        [316] = "SIM PUK required",
        [317] = "SIM PIN2 required",
        [318] = "SIM PUK2 required",
        [320] = "memory failure",
        [321] = "invalid memory index",
        [322] = "memory full",
        [330] = "SMSC address unknown",
        [331] = "no network service",
        [332] = "network timeout",
        [340] = "no +CNMA acknowledgement expected",
        [500] = "unknown error",
    };

    private static readonly Dictionary<int, string> Cme = new()
    {
        [0] = "phone failure",
        [1] = "no connection to phone",
        [2] = "phone-adaptor link reserved",
        [3] = "operation not allowed",
        [4] = "operation not supported",
        [5] = "PH-SIM PIN required",
        [6] = "PH-FSIM PIN required",
        [7] = "PH-FSIM PUK required",
        [10] = "SIM not inserted",
        [11] = "SIM PIN required",
        [12] = "SIM PUK required",
        [13] = "SIM failure",
        [14] = "SIM busy",
        [15] = "SIM wrong",
        [16] = "incorrect password",
        [17] = "SIM PIN2 required",
        [18] = "SIM PUK2 required",
        [20] = "memory full",
        [21] = "invalid index",
        [22] = "not found",
        [23] = "memory failure",
        [24] = "text string too long",
        [25] = "invalid characters in text string",
        [26] = "dial string too long",
        [27] = "invalid characters in dial string",
        [30] = "no network service",
        [31] = "network timeout",
        [32] = "network not allowed, emergency calls only",
        [40] = "network personalisation PIN required",
        [41] = "network personalisation PUK required",
        [100] = "unknown",
    };

    /// <summary>Finds the code of an error a modem spelled out (<c>AT+CMEE=2</c> style, such as <c>+CMS ERROR: SIM busy</c>).</summary>
    internal static int? FindCode(bool cms, string text)
    {
        foreach (var (code, meaning) in cms ? Cms : Cme)
        {
            if (string.Equals(meaning, text, StringComparison.OrdinalIgnoreCase))
            {
                return code;
            }
        }

        return null;
    }

    /// <summary>What a <c>+CMS ERROR</c> code means.</summary>
    /// <param name="code">The code.</param>
    public static string DescribeCms(int code) =>
        Cms.TryGetValue(code, out var text) ? text
        : code >= 512 ? "manufacturer specific"
        : code is >= 256 and < 300 ? "reserved"
        : "unknown error code";

    /// <summary>What a <c>+CME ERROR</c> code means.</summary>
    /// <param name="code">The code.</param>
    public static string DescribeCme(int code) =>
        Cme.TryGetValue(code, out var text) ? text
        : code >= 256 ? "manufacturer specific"
        : "unknown error code";

    /// <summary>
    /// Whether a <c>+CMS ERROR</c> is worth retrying later: SIM busy, network timeout, no network, congestion,
    /// temporary network failures, an ME failure or an unknown error (which many modems report for a passing fault).
    /// </summary>
    /// <param name="code">The code.</param>
    public static bool IsTransientCms(int code) => code is 38 or 41 or 42 or 47 or 192 or 212 or 300 or 301 or 314 or 331 or 332 or 500 or >= 512;

    /// <summary>Whether a <c>+CME ERROR</c> is worth retrying later: SIM busy, no network service, network timeout, unknown.</summary>
    /// <param name="code">The code.</param>
    public static bool IsTransientCme(int code) => code is 14 or 30 or 31 or 100;
}
