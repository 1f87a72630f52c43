namespace RapidSms.Benchmarks;

/// <summary>An app that overrides nothing: every phase is <see cref="AppBase"/>'s completed default.</summary>
public sealed class FirstNoOpApp : AppBase;

/// <summary>A second app that does nothing, so the router walks more than one app per phase.</summary>
public sealed class SecondNoOpApp : AppBase;

/// <summary>
/// Does nothing, except that it answers "ping" with "pong": the one message that makes the router
/// run its outgoing phase and call the backend.
/// </summary>
public sealed class PongApp : AppBase
{
    public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (!string.Equals(message.Text, "ping", StringComparison.Ordinal))
        {
            return NotHandled;
        }

        message.Respond("pong");
        return Handled;
    }
}
