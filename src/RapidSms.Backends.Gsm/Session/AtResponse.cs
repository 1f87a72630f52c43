namespace RapidSms.Backends.Gsm.Session;

/// <summary>The lines a command produced and how it ended.</summary>
internal sealed record AtResponse(AtCommand Command, IReadOnlyList<string> Lines, AtResultKind Result, int? ErrorCode, string FinalLine)
{
    public bool IsOk => Result == AtResultKind.Ok;

    /// <summary>Throws <see cref="GsmModemException"/> unless the command ended with OK.</summary>
    public AtResponse EnsureOk(string? backend)
    {
        if (!IsOk)
        {
            throw new GsmModemException(backend, Command.LogText, Result, ErrorCode, FinalLine);
        }

        return this;
    }

    /// <summary>The first line with the command's response prefix, without the prefix.</summary>
    public string? Value(string prefix)
    {
        foreach (var line in Lines)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..].Trim();
            }
        }

        return null;
    }
}
