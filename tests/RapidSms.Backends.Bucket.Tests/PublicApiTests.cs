using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Bucket.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Bucket deliberate: every change shows up in src/RapidSms.Backends.Bucket/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Bucket");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
