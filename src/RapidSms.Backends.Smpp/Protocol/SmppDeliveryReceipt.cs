using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>
/// The text form of an SMPP delivery receipt (SMPP 3.4 appendix B):
/// <c>id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…</c>.
/// Parsing accepts the fields in any order and any case, and missing fields.
/// </summary>
public sealed record SmppDeliveryReceipt
{
    private static readonly string[] Keys = ["id:", "sub:", "dlvrd:", "submit date:", "done date:", "stat:", "err:", "text:"];

    /// <summary>The SMSC message id the receipt is about.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The <c>sub:</c> field (messages submitted), when present.</summary>
    public string? Submitted { get; init; }

    /// <summary>The <c>dlvrd:</c> field (messages delivered), when present.</summary>
    public string? Delivered { get; init; }

    /// <summary>The <c>submit date:</c> field, as sent (YYMMDDhhmm[ss]).</summary>
    public string? SubmitDate { get; init; }

    /// <summary>The <c>done date:</c> field, as sent (YYMMDDhhmm[ss]).</summary>
    public string? DoneDate { get; init; }

    /// <summary>The <c>stat:</c> field: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE.</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>The <c>err:</c> field, when present.</summary>
    public string? Error { get; init; }

    /// <summary>The <c>text:</c> field (the start of the original message), when present.</summary>
    public string? Text { get; init; }

    /// <summary>Reads a receipt's text form.</summary>
    /// <param name="text">The short message text of the receipt.</param>
    /// <param name="receipt">The receipt, when <paramref name="text"/> has at least <c>id:</c> and <c>stat:</c>.</param>
    /// <returns>Whether <paramref name="text"/> is a receipt.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SmppDeliveryReceipt? receipt)
    {
        receipt = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var found = new List<(int Start, int Key)>();
        for (var k = 0; k < Keys.Length; k++)
        {
            var from = 0;
            while (from < text.Length)
            {
                var at = text.IndexOf(Keys[k], from, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    break;
                }

                if (at == 0 || char.IsWhiteSpace(text[at - 1]))
                {
                    found.Add((at, k));
                    break;
                }

                from = at + 1;
            }
        }

        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        var values = new string?[Keys.Length];
        for (var i = 0; i < found.Count; i++)
        {
            var (start, key) = found[i];
            var valueStart = start + Keys[key].Length;
            if (key == 7)
            {
                values[key] = text[valueStart..];

                // text: runs to the end; keys found inside it belong to it.
                break;
            }

            var end = i + 1 < found.Count ? found[i + 1].Start : text.Length;
            values[key] = text[valueStart..end].Trim();
        }

        if (values[0] is null || values[5] is null)
        {
            return false;
        }

        receipt = new SmppDeliveryReceipt
        {
            Id = values[0]!,
            Submitted = values[1],
            Delivered = values[2],
            SubmitDate = values[3],
            DoneDate = values[4],
            State = values[5]!,
            Error = values[6],
            Text = values[7],
        };
        return true;
    }

    /// <summary>Writes the receipt in the text form of SMPP 3.4 appendix B.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append("id:").Append(Id)
            .Append(" sub:").Append(Submitted ?? "001")
            .Append(" dlvrd:").Append(Delivered ?? (State == "DELIVRD" ? "001" : "000"))
            .Append(" submit date:").Append(SubmitDate ?? "0000000000")
            .Append(" done date:").Append(DoneDate ?? "0000000000")
            .Append(" stat:").Append(State)
            .Append(" err:").Append(Error ?? "000")
            .Append(" text:").Append(Text ?? string.Empty);
        return text.ToString();
    }
}
