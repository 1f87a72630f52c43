using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests;

/// <summary>Keeps the public API of RapidSms.Backends.Irc deliberate: every change shows up in src/RapidSms.Backends.Irc/PublicAPI.txt.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_ComparedWithApprovedFile_IsUnchanged()
    {
        var difference = PublicApiGenerator.Verify("RapidSms.Backends.Irc");

        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }
}
