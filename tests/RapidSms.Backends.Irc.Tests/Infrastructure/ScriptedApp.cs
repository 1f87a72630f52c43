using System.Globalization;

namespace RapidSms.Backends.Irc.Tests.Infrastructure;

/// <summary>
/// Records every incoming message and answers a few commands: <c>echo TEXT</c> with TEXT, <c>long N</c> with an
/// N-character text (<see cref="LongText"/>), and <c>burst N</c> with N replies <c>reply 001</c>...
/// </summary>
public sealed class ScriptedApp : AppBase
{
    private readonly Lock _gate = new();
    private readonly List<IncomingMessage> _received = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<IncomingMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>A text of <paramref name="length"/> characters: words, accented letters and emoji, so a split shows.</summary>
    public static string LongText(int length)
    {
        var words = new[] { "habari", "ça", "va", "très", "bien", "مرحبا", "👋🏽", "rapidsms", "irc", "backend" };
        var text = new System.Text.StringBuilder();
        for (var i = 0; text.Length < length; i++)
        {
            text.Append(words[i % words.Length]).Append(i % 7 == 6 ? ", " : " ");
        }

        var result = text.ToString(0, length).ToCharArray();
        if (char.IsHighSurrogate(result[^1]) || result[^1] == ' ')
        {
            result[^1] = 'x';
        }

        return new string(result);
    }

    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var text = message.Text;
        if (text.StartsWith("echo ", StringComparison.Ordinal))
        {
            message.Respond(text["echo ".Length..]);
        }
        else if (text.StartsWith("long ", StringComparison.Ordinal))
        {
            message.Respond(LongText(int.Parse(text["long ".Length..], CultureInfo.InvariantCulture)));
        }
        else if (text.StartsWith("burst ", StringComparison.Ordinal))
        {
            var count = int.Parse(text["burst ".Length..], CultureInfo.InvariantCulture);
            for (var i = 1; i <= count; i++)
            {
                message.Respond($"reply {i:D3}");
            }
        }

        lock (_gate)
        {
            _received.Add(message);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return Handled;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<IReadOnlyList<IncomingMessage>> WaitForReceivedAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_received.Count >= count)
                {
                    return [.. _received];
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken);
        }
    }
}
