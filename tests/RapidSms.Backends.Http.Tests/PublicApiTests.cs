using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Http deliberate: every change shows up in src/RapidSms.Backends.Http/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Http");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
