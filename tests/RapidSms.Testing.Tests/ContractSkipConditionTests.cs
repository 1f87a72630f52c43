using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace RapidSms.Testing.Tests;

public sealed class ContractSkipConditionTests
{
    [Fact]
    public void ContractTest_ClassWithConditionGivingReason_IsSkippedWithThatReason()
    {
        var testCase = Discover(typeof(SuiteWithoutItsServer), nameof(BackendContractTests.Receive_MessageFromPeer_ReachesAppWithBackendIdentityAndText));

        testCase.SkipReason.Should().Be(MissingServerAttribute.Reason);
    }

    [Fact]
    public void ContractTest_ClassWithConditionGivingNull_Runs()
    {
        var testCase = Discover(typeof(SuiteWithItsServer), nameof(BackendContractTests.Receive_MessageFromPeer_ReachesAppWithBackendIdentityAndText));

        testCase.SkipReason.Should().BeNull();
    }

    [Fact]
    public void ContractTest_ClassWithoutCondition_Runs()
    {
        var testCase = Discover(typeof(SuiteWithoutCondition), nameof(BackendContractTests.UnicodeText_BothDirections_ArrivesUnchanged));

        testCase.SkipReason.Should().BeNull();
    }

    [Fact]
    public void EveryContractTest_UsesTheSkippableAttribute()
    {
        var tests = typeof(BackendContractTests).GetMethods()
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            .ToList();

        tests.Should().NotBeEmpty();
        tests.Should().OnlyContain(m => m.GetCustomAttribute<ContractFactAttribute>() != null);
    }

    private static IXunitTestCase Discover(Type testClass, string methodName)
    {
        var assembly = new TestAssembly(Reflector.Wrap(testClass.Assembly));
        var collection = new TestCollection(assembly, null, "contract");
        var method = new TestMethod(new TestClass(collection, Reflector.Wrap(testClass)), Reflector.Wrap(testClass.GetMethod(methodName)!));
        var attribute = method.Method.GetCustomAttributes(typeof(FactAttribute)).Single();
        var options = new DefaultDiscoveryOptions();

        return new ContractFactDiscoverer(new NullMessageSink()).Discover(options, method, attribute).Single();
    }

    private sealed class DefaultDiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        public TValue GetValue<TValue>(string name) => default!;

        public void SetValue<TValue>(string name, TValue value)
        {
        }
    }

    private sealed class MissingServerAttribute : ContractSkipConditionAttribute
    {
        public const string Reason = "exampled is not installed: apt-get install -y exampled";

        public override string? SkipReason => Reason;
    }

    private sealed class PresentServerAttribute : ContractSkipConditionAttribute
    {
        public override string? SkipReason => null;
    }

    // Abstract so that xunit does not run them itself: only their skip reasons are under test.
    [MissingServer]
    private abstract class SuiteWithoutItsServer : BackendContractTests;

    [PresentServer]
    private abstract class SuiteWithItsServer : BackendContractTests;

    private abstract class SuiteWithoutCondition : BackendContractTests;
}
