using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace RapidSms.Testing.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public void ReadmeExample_ComparedWithCompiledCopy_IsTheSame()
    {
        var testsDirectory = Path.GetDirectoryName(SourcePath())!;
        var readme = File.ReadAllText(Path.Combine(testsDirectory, "..", "..", "src", "RapidSms.Testing", "README.md"));
        var compiled = File.ReadAllText(Path.Combine(testsDirectory, "ReadmeExample.cs"));

        var example = Regex.Match(readme, @"```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value;

        example.Should().NotBeEmpty();
        compiled.ReplaceLineEndings("\n").Should().EndWith(example, "the README example must compile as written");
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;
}
