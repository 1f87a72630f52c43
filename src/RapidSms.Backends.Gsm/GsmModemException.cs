using RapidSms.Backends.Gsm.Protocol;

namespace RapidSms.Backends.Gsm;

/// <summary>
/// A modem answered an AT command with an error (or not at all). Carries the 3GPP error code and its
/// meaning; <see cref="BackendException.IsTransient"/> says whether trying again later may work.
/// </summary>
public sealed class GsmModemException : BackendException
{
    /// <summary>Creates the exception.</summary>
    public GsmModemException()
    {
        Command = string.Empty;
        Meaning = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GsmModemException(string message)
        : base(message)
    {
        Command = string.Empty;
        Meaning = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GsmModemException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
        Meaning = message;
    }

    /// <summary>Creates the exception for a command's final result.</summary>
    /// <param name="backend">The backend name, if known.</param>
    /// <param name="command">The command, with secrets masked.</param>
    /// <param name="kind">How the command ended.</param>
    /// <param name="code">The error code, for CMS and CME errors.</param>
    /// <param name="detail">The modem's text, when it gave one instead of a code.</param>
    public GsmModemException(string? backend, string command, AtResultKind kind, int? code, string? detail = null)
        : base(backend, Describe(command, kind, code, detail, out var meaning), IsTransientResult(kind, code))
    {
        Command = command;
        Kind = kind;
        ErrorCode = code;
        Meaning = meaning;
    }

    /// <summary>The command that failed, with secrets (a PIN) masked.</summary>
    public string Command { get; }

    /// <summary>How the command ended.</summary>
    public AtResultKind Kind { get; }

    /// <summary>The <c>+CMS ERROR</c> or <c>+CME ERROR</c> code, when the modem gave one.</summary>
    public int? ErrorCode { get; }

    /// <summary>What the error means (3GPP TS 27.005 / 27.007), or the modem's own text.</summary>
    public string Meaning { get; }

    private static bool IsTransientResult(AtResultKind kind, int? code) => kind switch
    {
        AtResultKind.Timeout => true,
        AtResultKind.CmsError => code is { } c && GsmErrorCodes.IsTransientCms(c),
        AtResultKind.CmeError => code is { } c && GsmErrorCodes.IsTransientCme(c),
        _ => false,
    };

    private static string Describe(string command, AtResultKind kind, int? code, string? detail, out string meaning)
    {
        meaning = kind switch
        {
            AtResultKind.CmsError when code is { } c => GsmErrorCodes.DescribeCms(c),
            AtResultKind.CmeError when code is { } c => GsmErrorCodes.DescribeCme(c),
            AtResultKind.Timeout => "no answer from the modem",
            _ => detail ?? "error",
        };
        return kind switch
        {
            AtResultKind.CmsError when code is not null => $"{command} failed with +CMS ERROR: {code} ({meaning}).",
            AtResultKind.CmeError when code is not null => $"{command} failed with +CME ERROR: {code} ({meaning}).",
            AtResultKind.CmsError or AtResultKind.CmeError => $"{command} failed: {meaning}.",
            AtResultKind.Timeout => $"{command}: the modem did not answer in time.",
            _ => $"{command} failed with {detail ?? "ERROR"}.",
        };
    }
}
