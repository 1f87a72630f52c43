using RapidSms.Tests.Shared;

namespace RapidSms.Tests.Api;

/// <summary>Keeps the public API of RapidSms deliberate: every change shows up in src/RapidSms/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
