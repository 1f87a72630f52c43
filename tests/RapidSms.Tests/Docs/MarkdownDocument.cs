using System.Text.RegularExpressions;

namespace RapidSms.Tests.Docs;

/// <summary>A code block in a Markdown page that a marker comment ties to a file the build compiles.</summary>
/// <param name="Document">The page, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the marker.</param>
/// <param name="Kind"><c>full-example</c> (the whole file) or <c>snippet</c> (one region of it).</param>
/// <param name="Source">The file, relative to the repository root.</param>
/// <param name="Region">The region for a snippet.</param>
/// <param name="Language">The fence's language, such as <c>csharp</c>.</param>
/// <param name="Code">The block's text.</param>
internal sealed record MarkedBlock(string Document, int Line, string Kind, string Source, string? Region, string Language, string Code);

/// <summary>
/// Reads the repository's Markdown so tests can hold the docs to the code. A block preceded by
/// <c>&lt;!-- full-example: PATH --&gt;</c> must equal the file at PATH; a block preceded by
/// <c>&lt;!-- snippet: PATH#REGION --&gt;</c> must equal the lines between <c>// &lt;REGION&gt;</c> and
/// <c>// &lt;/REGION&gt;</c> in that file, apart from leading <c>using</c> lines, which the file must have.
/// </summary>
internal static partial class MarkdownDocument
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot, relativePath));

    /// <summary>Every Markdown page of the repository, relative to its root, with '/' separators.</summary>
    public static IEnumerable<string> AllDocuments() =>
        Directory.EnumerateFiles(RepositoryRoot, "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryRoot, p).Replace('\\', '/'))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" or "artifacts" or "node_modules" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    public static IReadOnlyList<MarkedBlock> MarkedBlocks(string document)
    {
        var lines = Lines(Read(document));
        var blocks = new List<MarkedBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = MarkerRegex().Match(lines[i]);
            if (!marker.Success)
            {
                continue;
            }

            var fence = i + 1;
            while (fence < lines.Length && lines[fence].Trim().Length == 0)
            {
                fence++;
            }

            if (fence == lines.Length || !lines[fence].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{document}:{i + 1}: the marker is not followed by a fenced code block.");
            }

            var language = lines[fence].Trim()[3..].Trim();
            var end = fence + 1;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidOperationException($"{document}:{fence + 1}: the code block is not closed.");
            }

            blocks.Add(new MarkedBlock(
                document,
                i + 1,
                marker.Groups["kind"].Value,
                marker.Groups["path"].Value,
                marker.Groups["region"].Success ? marker.Groups["region"].Value : null,
                language,
                string.Join('\n', lines[(fence + 1)..end])));
        }

        return blocks;
    }

    /// <summary>The fences of <paramref name="document"/> in <paramref name="language"/>, with the line each starts on.</summary>
    public static IReadOnlyList<int> CodeBlockLines(string document, string language)
    {
        var lines = Lines(Read(document));
        var starts = new List<int>();
        var inside = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            if (!inside && trimmed[3..].Trim() == language)
            {
                starts.Add(i + 1);
            }

            inside = !inside;
        }

        return starts;
    }

    /// <summary>What the block must equal, and the text of the block with what it may leave out removed.</summary>
    public static (string Expected, string Actual) Compare(MarkedBlock block)
    {
        var source = Read(block.Source);
        if (block.Kind == "full-example" != (block.Region is null))
        {
            throw new InvalidOperationException($"{block.Document}:{block.Line}: a full example names a file, a snippet names a file#region.");
        }

        if (block.Kind == "full-example")
        {
            return (Normalize(source), Normalize(block.Code));
        }

        var code = Lines(block.Code).ToList();
        var sourceLines = Lines(source).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        while (code.Count > 0 && (code[0].Trim().Length == 0 || IsUsing(code[0])))
        {
            if (code[0].Trim().Length > 0 && !sourceLines.Contains(code[0].Trim()))
            {
                throw new InvalidOperationException($"{block.Document}:{block.Line}: '{code[0].Trim()}' is not in {block.Source}.");
            }

            code.RemoveAt(0);
        }

        return (Normalize(Region(source, block.Region!, block.Source)), Normalize(string.Join('\n', code)));
    }

    /// <summary>Line endings unified, trailing white space and surrounding blank lines removed.</summary>
    public static string Normalize(string text)
    {
        var lines = Lines(text).Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines);
    }

    private static string Region(string source, string region, string path)
    {
        var lines = Lines(source);
        var start = Array.FindIndex(lines, l => l.Trim() == $"// <{region}>");
        var end = Array.FindIndex(lines, l => l.Trim() == $"// </{region}>");
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"{path} has no region '{region}' (// <{region}> ... // </{region}>).");
        }

        var body = lines[(start + 1)..end];
        var indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static bool IsUsing(string line) => UsingRegex().IsMatch(line);

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RapidSms.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No RapidSms.sln above {AppContext.BaseDirectory}: the docs tests run from a build inside the repository.");
    }

    [GeneratedRegex(@"^\s*<!--\s*(?<kind>full-example|snippet):\s*(?<path>[^#\s]+)(?:#(?<region>[\w.-]+))?\s*-->\s*$")]
    private static partial Regex MarkerRegex();

    [GeneratedRegex(@"^\s*using\s+[\w.]+(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial Regex UsingRegex();
}
