namespace RapidSms;

/// <summary>
/// The router is shutting down and takes no new incoming messages. A backend that gets this must
/// not acknowledge the message, so the outside world delivers it again later.
/// </summary>
public sealed class RouterClosedException : RapidSmsException
{
    /// <summary>Creates the exception.</summary>
    public RouterClosedException()
        : base("The router is shutting down and accepts no new incoming messages; do not acknowledge the message so it is delivered again.")
    {
    }
}
