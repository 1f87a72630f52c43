using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Email deliberate: every change shows up in src/RapidSms.Backends.Email/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Email");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
