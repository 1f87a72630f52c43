namespace RapidSms.Tests.Docs;

/// <summary>Code shown in the docs is code the build compiles and the tests run, so the docs cannot rot.</summary>
public sealed class DocSnippetTests
{
    /// <summary>Pages whose every C# block must be tied to compiled code.</summary>
    public static TheoryData<string> CompiledPages => new()
    {
        "README.md",
        "src/RapidSms/README.md",
        "src/RapidSms.Backends.Bucket/README.md",
        "docs/backends/bucket.md",
        "docs/configuration.md",
        "docs/writing-an-app.md",
        "docs/writing-a-backend.md",
    };

    public static TheoryData<string, int> MarkedBlocks
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var document in MarkdownDocument.AllDocuments())
            {
                foreach (var block in MarkdownDocument.MarkedBlocks(document))
                {
                    data.Add(block.Document, block.Line);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(MarkedBlocks))]
    public void MarkedBlock_IsTheCompiledSource(string document, int line)
    {
        var block = MarkdownDocument.MarkedBlocks(document).Single(b => b.Line == line);

        var (expected, actual) = MarkdownDocument.Compare(block);

        actual.Should().Be(expected, $"the block at {document}:{line} shows {block.Source}{(block.Region is null ? "" : "#" + block.Region)}");
    }

    [Fact]
    public void WritingABackend_FullExample_IsTheCompiledBackend()
    {
        var examples = MarkdownDocument.MarkedBlocks("docs/writing-a-backend.md")
            .Where(b => b.Kind == "full-example" && b.Language == "csharp")
            .ToList();

        examples.Select(b => Path.GetFileName(b.Source)).Should().Equal(
            "ConsoleBackend.cs", "FileDropOptions.cs", "FileDropBackend.cs", "FileDropBackendBuilderExtensions.cs");
        foreach (var example in examples)
        {
            example.Language.Should().Be("csharp");
            example.Source.Should().StartWith("tests/RapidSms.Tests/Docs/");
            var (expected, actual) = MarkdownDocument.Compare(example);
            actual.Should().Be(expected, $"docs/writing-a-backend.md:{example.Line} is the complete {example.Source}");
        }
    }

    [Theory]
    [MemberData(nameof(CompiledPages))]
    public void CompiledPage_EveryCSharpBlock_IsMarked(string document)
    {
        var fences = MarkdownDocument.CodeBlockLines(document, "csharp");
        var marked = MarkdownDocument.MarkedBlocks(document).Where(b => b.Language == "csharp").ToList();

        fences.Should().NotBeEmpty();
        marked.Should().HaveSameCount(fences, $"every C# block in {document} is compiled: put <!-- snippet: FILE#REGION --> or <!-- full-example: FILE --> above it");
    }

    [Fact]
    public void Normalize_IgnoresLineEndingsTrailingSpaceAndSurroundingBlankLines()
    {
        MarkdownDocument.Normalize("\r\n  a  \r\nb\t\n\n").Should().Be("  a\nb");
    }
}
