using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Gsm deliberate: every change shows up in src/RapidSms.Backends.Gsm/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Gsm");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
