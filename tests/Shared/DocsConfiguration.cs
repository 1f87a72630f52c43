using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RapidSms.Tests.Shared;

/// <summary>Reads the appsettings a page or a sample shows and builds a host from it, as a reader pasting it would.</summary>
public static class DocsConfiguration
{
    /// <summary>
    /// The appsettings JSON shown in <paramref name="file"/> (relative to the repository root): a <c>.json</c> file whole,
    /// else every <c>```json</c> block that holds a <c>"RapidSms"</c> section.
    /// </summary>
    public static IReadOnlyList<string> AppSettingsBlocks(string file)
    {
        var text = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, file));
        return file.EndsWith(".json", StringComparison.Ordinal) ? [text] : Regex.Matches(text, "```json\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .Where(json => json.Contains("\"RapidSms\"", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Builds (without starting) a host whose backends come from the <c>RapidSms:Backends</c> section of <paramref name="json"/>.</summary>
    /// <param name="json">The appsettings text.</param>
    /// <param name="backendNames">The names of the backends the section declares.</param>
    public static IHost BuildHost(string json, out IReadOnlyList<string> backendNames)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        return Build(builder, out backendNames);
    }

    /// <summary>Builds (without starting) a host whose backends come from the <c>RapidSms:Backends</c> section of a JSON file.</summary>
    /// <param name="path">The file's full path.</param>
    public static IHost BuildHostFromFile(string path)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonFile(path);
        return Build(builder, out _);
    }

    private static IHost Build(HostApplicationBuilder builder, out IReadOnlyList<string> backendNames)
    {
        builder.Services.AddRapidSms(rapid => rapid.AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        var host = builder.Build();
        backendNames = builder.Configuration.GetSection("RapidSms:Backends").GetChildren().Select(c => c.Key).ToList();
        return host;
    }
}
