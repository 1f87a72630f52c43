namespace RapidSms.Testing;

/// <summary>
/// A message test script did not go as written: a reply differed from the expected one, an expected
/// reply never came, a reply came that no line expected, or a line could not be read.
/// </summary>
public sealed class MessageTesterException : RapidSmsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, with the line, the expected and the actual replies.</param>
    /// <param name="lineNumber">The 1-based script line at fault.</param>
    /// <param name="expected">The reply the script expected (<c>identity &lt; text</c>), if any.</param>
    /// <param name="actual">The replies that actually came and were not matched yet (<c>identity &lt; text</c> each).</param>
    public MessageTesterException(string message, int lineNumber, string? expected, IReadOnlyList<string> actual)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(actual);
        LineNumber = lineNumber;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The 1-based script line at fault.</summary>
    public int LineNumber { get; }

    /// <summary>The reply the script expected, as <c>identity &lt; text</c>, or <see langword="null"/> when the fault is not a missing or different reply.</summary>
    public string? Expected { get; }

    /// <summary>The replies that came and were not matched yet, as <c>identity &lt; text</c> each.</summary>
    public IReadOnlyList<string> Actual { get; }
}
