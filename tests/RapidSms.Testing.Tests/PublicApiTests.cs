using RapidSms.Tests.Shared;

namespace RapidSms.Testing.Tests;

/// <summary>Keeps the public API of RapidSms.Testing deliberate: every change shows up in src/RapidSms.Testing/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Testing");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
