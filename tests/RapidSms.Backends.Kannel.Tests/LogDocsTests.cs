using System.Reflection;
using Microsoft.Extensions.Logging;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>docs/backends/kannel.md lists every log event the package writes, with its id, name, level and message.</summary>
public sealed class LogDocsTests
{
    [Fact]
    public void Page_ListsEveryLogEvent()
    {
        var log = typeof(KannelBackend).Assembly.GetType("RapidSms.Backends.Kannel.Log", throwOnError: true)!;
        var events = log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();
        var page = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, "docs", "backends", "kannel.md"));

        events.Should().NotBeEmpty();
        events.Select(e => e.EventId).Should().OnlyHaveUniqueItems();
        foreach (var e in events)
        {
            e.EventName.Should().NotBeNullOrEmpty();
            page.Should().Contain($"| {e.EventId} | {e.EventName} | {e.Level} |").And.Contain($"| {e.Message} |");
        }
    }
}
