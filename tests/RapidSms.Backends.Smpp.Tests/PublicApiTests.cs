using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Smpp deliberate: every change shows up in src/RapidSms.Backends.Smpp/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Smpp");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
