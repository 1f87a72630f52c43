namespace RapidSms.Testing;

/// <summary>
/// Skips a whole <see cref="BackendContractTests"/> subclass, with a reason, when what it needs is not
/// available: derive from this attribute, return the reason from <see cref="SkipReason"/> (or null to run),
/// and put it on the test class.
/// </summary>
/// <remarks>
/// The reason is read when the tests are discovered, so a suite against a real server can be skipped on a
/// machine without that server, with a reason that says what to install, instead of failing.
/// </remarks>
/// <example>
/// <code>
/// public sealed class RequiresNgircdAttribute : ContractSkipConditionAttribute
/// {
///     public override string? SkipReason =>
///         File.Exists("/usr/sbin/ngircd") ? null : "ngircd is not installed: apt-get install -y ngircd";
/// }
///
/// [RequiresNgircd]
/// public sealed class IrcBackendContractTests : BackendContractTests { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public abstract class ContractSkipConditionAttribute : Attribute
{
    /// <summary>Why the suite cannot run here, or null when it can.</summary>
    public abstract string? SkipReason { get; }
}
