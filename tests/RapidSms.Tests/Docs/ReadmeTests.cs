using MyCompany.Sms;

namespace RapidSms.Tests.Docs;

/// <summary>The repository README: two commands to try it, and a quick start that runs.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void TryIt_HasExactlyTwoCommands_TheSampleAndTheTests()
    {
        var lines = MarkdownDocument.Read("README.md").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var heading = Array.IndexOf(lines, "## Try it");
        var fence = Array.FindIndex(lines, heading, l => l.StartsWith("```sh", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, fence + 1, l => l == "```");

        heading.Should().BeGreaterThan(0);
        lines[(fence + 1)..end].Should().Equal(
            "echo '+256700000001: ping' | dotnet run --project samples/RapidSms.Samples.Console",
            "./build.sh test");
    }

    [Fact]
    public async Task QuickStart_RunsToTheEnd()
    {
        var run = () => QuickStart.RunAsync([]);

        await run.Should().NotThrowAsync();
    }

    [Fact]
    public void Readme_ListsEveryPackageUnderSrc()
    {
        var readme = MarkdownDocument.Read("README.md");

        foreach (var project in Directory.GetDirectories(Path.Combine(MarkdownDocument.RepositoryRoot, "src")))
        {
            readme.Should().Contain($"| `{Path.GetFileName(project)}` |");
        }
    }
}
