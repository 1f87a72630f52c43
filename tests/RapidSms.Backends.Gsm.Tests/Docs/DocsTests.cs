using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using RapidSms.Backends.Gsm.Tests.Integration;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Gsm.Tests.Docs;

/// <summary>The configuration shown in docs/backends/gsm.md and the sample's appsettings.json starts a host as written.</summary>
public sealed partial class DocsTests
{
    [Theory]
    [InlineData("docs/backends/gsm.md", new[] { "Zain", "Mtn", "Airtel" })]
    [InlineData("samples/RapidSms.Samples.Gsm/appsettings.json", new[] { "Zain", "Mtn" })]
    [InlineData("src/RapidSms.Backends.Gsm/README.md", new[] { "Zain" })]
    public async Task DocumentedConfiguration_StartsHostWithItsBackends(string file, string[] backends)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Peers.RepositoryRoot, file));
        var json = file.EndsWith(".json", StringComparison.Ordinal) ? text : JsonBlock().Match(text).Groups[1].Value;
        json.Should().NotBeEmpty();
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

        // The devices do not exist here: the backends start, fail to open them and keep retrying, which is what a host does too.
        await using var host = await GsmHost.StartAsync(r => r.AddBackends(configuration.GetSection("RapidSms:Backends")));

        host.Router.Backends.Select(b => b.Name).Should().BeEquivalentTo(backends);
        host.Router.Backends.Should().AllBeOfType<GsmBackend>();
    }

    [GeneratedRegex("```json\\s*\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
