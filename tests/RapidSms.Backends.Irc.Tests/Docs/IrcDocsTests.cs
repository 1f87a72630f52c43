using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RapidSms.Tests.Docs;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Docs;

/// <summary>The IRC pages show compiled code and configuration that binds.</summary>
public sealed class IrcDocsTests
{
    public static TheoryData<string> Pages => new()
    {
        "docs/backends/irc.md",
        "src/RapidSms.Backends.Irc/README.md",
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_EveryMarkedBlock_IsTheCompiledSource(string document)
    {
        var blocks = MarkdownDocument.MarkedBlocks(document);

        blocks.Should().NotBeEmpty();
        foreach (var block in blocks)
        {
            var (expected, actual) = MarkdownDocument.Compare(block);
            actual.Should().Be(expected, $"the block at {document}:{block.Line} shows {block.Source}");
        }

        MarkdownDocument.MarkedBlocks(document).Count(b => b.Language == "csharp")
            .Should().Be(MarkdownDocument.CodeBlockLines(document, "csharp").Count, "every C# block is compiled code");
    }

    [Fact]
    public void AppSettingsExample_Binds()
    {
        using var host = DocsConfiguration.BuildHostFromFile(Path.Combine(AppContext.BaseDirectory, "Docs", "irc.appsettings.json"));

        var options = host.Services.GetRequiredService<IOptionsMonitor<IrcOptions>>().Get("irc");

        options.Server.Should().Be("irc.example.org");
        options.Channels.Should().Equal("#clinic", "#staff sesame");
        options.UseTls.Should().BeTrue();
    }

    [Fact]
    public void SampleAppSettings_Binds()
    {
        using var host = DocsConfiguration.BuildHostFromFile(Path.Combine(MarkdownDocument.RepositoryRoot, "samples", "RapidSms.Samples.Irc", "appsettings.json"));

        host.Services.GetRequiredService<IOptionsMonitor<IrcOptions>>().Get("irc").Channels.Should().Equal("#rapidsms");
    }
}
