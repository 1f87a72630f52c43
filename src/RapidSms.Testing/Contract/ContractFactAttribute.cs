using System.ComponentModel;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace RapidSms.Testing;

/// <summary>
/// A test of the <see cref="BackendContractTests"/> suite: a <see cref="FactAttribute"/> that is skipped when
/// the concrete test class carries a <see cref="ContractSkipConditionAttribute"/> with a reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("RapidSms.Testing.ContractFactDiscoverer", "RapidSms.Testing")]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="ContractFactAttribute"/> tests; used by xunit, not by test code.</summary>
/// <param name="diagnosticMessageSink">Where xunit's diagnostic messages go.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        yield return new ContractTestCase(
            diagnosticMessageSink,
            discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(),
            testMethod);
    }
}

/// <summary>A contract test whose skip reason also comes from the test class's <see cref="ContractSkipConditionAttribute"/>s.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ContractTestCase : XunitTestCase
{
    /// <summary>For xunit's deserialization only.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by xunit's deserialization only.")]
    public ContractTestCase()
    {
    }

    /// <summary>Creates the test case of <paramref name="testMethod"/>.</summary>
    /// <param name="diagnosticMessageSink">Where xunit's diagnostic messages go.</param>
    /// <param name="defaultMethodDisplay">How test names are shown.</param>
    /// <param name="defaultMethodDisplayOptions">How test names are shown.</param>
    /// <param name="testMethod">The test method.</param>
    public ContractTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    /// <inheritdoc />
    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var own = base.GetSkipReason(factAttribute);
        if (own is not null || TestMethod.TestClass.Class is not IReflectionTypeInfo { Type: { } type })
        {
            return own!;
        }

        return type.GetCustomAttributes(typeof(ContractSkipConditionAttribute), inherit: true)
            .Cast<ContractSkipConditionAttribute>()
            .Select(condition => condition.SkipReason)
            .FirstOrDefault(reason => reason is not null)!;
    }
}
