using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Kannel deliberate: every change shows up in src/RapidSms.Backends.Kannel/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Kannel");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
