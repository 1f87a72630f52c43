using System.ComponentModel.DataAnnotations;

namespace RapidSms.Backends.Irc;

/// <summary>Options of the IRC backend, one set per backend name.</summary>
/// <remarks>
/// Secrets (<see cref="Password"/>, <see cref="SaslPassword"/>) are never logged and never part of
/// <see cref="ToString"/>.
/// </remarks>
public sealed class IrcOptions
{
    /// <summary>The IRC server's host name or address, such as <c>irc.libera.chat</c>. Required.</summary>
    [Required]
    public string Server { get; set; } = "";

    /// <summary>The server's port. Defaults to 6667, or 6697 when <see cref="UseTls"/> is set.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Whether to connect with TLS. Defaults to <see langword="false"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint of the server's TLS certificate, in hex (colons allowed), to accept that certificate
    /// even when the system does not trust it: for servers with a self-signed certificate. Defaults to none: the
    /// certificate must be valid for <see cref="Server"/>.
    /// </summary>
    [RegularExpression("^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$", ErrorMessage = "The field TlsFingerprint must be a SHA-256 fingerprint: 64 hex digits, optionally separated by colons.")]
    public string? TlsFingerprint { get; set; }

    /// <summary>The bot's nick. When it is taken, the bot tries it with <c>_</c> appended, then with digits. Defaults to <c>rapidsms</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]*$", ErrorMessage = "The field Nick must be an IRC nick: a letter or one of []\\`_^{{|}} first, then letters, digits, - or those characters.")]
    public string Nick { get; set; } = "rapidsms";

    /// <summary>The user name sent with USER (the <c>user</c> in <c>nick!user@host</c>). Defaults to <see cref="Nick"/>.</summary>
    [RegularExpression(@"^[^\s@]+$", ErrorMessage = "The field UserName cannot contain spaces or '@'.")]
    public string? UserName { get; set; }

    /// <summary>The real name sent with USER, shown by WHOIS. Defaults to <c>RapidSms</c>.</summary>
    [Required]
    public string RealName { get; set; } = "RapidSms";

    /// <summary>The server password, sent with PASS before registering. Defaults to none.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The account to log in to with SASL PLAIN (IRCv3) while registering; needs <see cref="SaslPassword"/>. When the
    /// server does not offer SASL PLAIN or refuses the login, the connection is dropped and tried again later.
    /// Defaults to none (no SASL).
    /// </summary>
    public string? SaslAccount { get; set; }

    /// <summary>The password of <see cref="SaslAccount"/>. Defaults to none.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>
    /// The channels to join, each a name optionally followed by a space and its key: <c>"#rapidsms"</c>,
    /// <c>"#staff sesame"</c>. They are joined again after every reconnect. Defaults to none.
    /// </summary>
    public IList<string> Channels { get; } = [];

    /// <summary>
    /// How many lines may be sent at once before flood control spaces them out. Defaults to 3: ngIRCd processes
    /// at most three commands from a client in one go and delays the rest.
    /// </summary>
    [Range(1, 1000)]
    public int FloodBurst { get; set; } = 3;

    /// <summary>
    /// The time flood control waits per line once the burst is used up (one token of the bucket is refilled per
    /// interval). Defaults to 2 seconds, the rate RFC 1459 (section 8.10) lets a client keep up.
    /// <see cref="TimeSpan.Zero"/> turns flood control off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FloodInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for the TCP connection, TLS and registration. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The delay before the first reconnect after the link is lost; it doubles on each failure, with jitter. Defaults to 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between reconnect attempts. Defaults to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After this long without a line from the server, the bot sends a PING; if nothing comes back within the same
    /// time again, the link is taken as dead and reconnected. Defaults to 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a send waits for the link to be up (while reconnecting) before it fails transiently, so the router
    /// retries it later. Defaults to 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The answer to a CTCP VERSION request. Empty ignores VERSION like every other CTCP request. Defaults to
    /// <c>RapidSms IRC backend</c>.
    /// </summary>
    public string? VersionReply { get; set; } = "RapidSms IRC backend";

    /// <summary>The port to connect to: <see cref="Port"/>, or the default for <see cref="UseTls"/>.</summary>
    internal int EffectivePort => Port ?? (UseTls ? 6697 : 6667);

    /// <summary>Describes the server and nick, without secrets.</summary>
    public override string ToString() => $"{Nick} on {Server}:{EffectivePort}{(UseTls ? " (TLS)" : "")}";
}
