using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MyCompany.Sms;

namespace RapidSms.Tests.Docs;

/// <summary>The backend in docs/writing-a-backend.md does what the page says, through a real host.</summary>
public sealed class FileDropBackendTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("rapidsms-filedrop-");

    private string Inbox => Path.Combine(_root.FullName, "inbox");

    private string Outbox => Path.Combine(_root.FullName, "outbox");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>A host answering PING through a file-drop backend that polls fast.</summary>
    private Task<DocsHost> StartPingHostAsync() => DocsHost.StartAsync(rapid => rapid
        .AddHandler<PingHandler>()
        .AddBackend("files", b => b.UseFileDrop(o =>
        {
            o.InboxPath = Inbox;
            o.OutboxPath = Outbox;
            o.PollInterval = TimeSpan.FromMilliseconds(20);
        })));

    [Fact]
    public async Task Host_FileInInbox_IsReceivedAndItsReplyWrittenToTheOutbox()
    {
        await using var host = await StartPingHostAsync();

        var reply = WaitForFileAsync(Outbox, "*.txt");
        var gone = WaitForDeletionAsync(Path.Combine(Inbox, "0001.txt"));
        await DropAsync(Inbox, "0001", "+256700000001\nping\n");

        (await File.ReadAllTextAsync(await reply)).Should().Be("+256700000001\npong");
        await gone;
    }

    [Fact]
    public async Task Router_SendToSeveralIdentities_WritesOneFileEach_AndFailsOnlyTheBadIdentity()
    {
        await using var host = await DocsHost.StartAsync(rapid => rapid
            .AddBackend("files", b => b.UseFileDrop(o =>
            {
                o.InboxPath = Inbox;
                o.OutboxPath = Outbox;
            })));

        var result = await host.Router.SendAsync(
            "Clinic opens at 9.",
            [new Connection("files", "+256700000001"), new Connection("files", "bad\nidentity"), new Connection("files", "+256700000002")]);

        result.FailedIdentities.Should().Equal("bad\nidentity");
        result.Failures.Single().IsTransient.Should().BeFalse();
        result.Recipients.Where(r => r.Succeeded).Select(r => r.Backend).Should().Equal("files", "files");
        var files = Directory.GetFiles(Outbox, "*.txt").Select(File.ReadAllText).Order(StringComparer.Ordinal);
        files.Should().Equal("+256700000001\nClinic opens at 9.", "+256700000002\nClinic opens at 9.");
        Directory.GetFiles(Outbox, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public async Task Host_FileWithoutIdentity_IsSetAsideAndLaterFilesStillArrive()
    {
        await using var host = await StartPingHostAsync();

        var rejected = WaitForFileAsync(Inbox, "*.rejected");
        var reply = WaitForFileAsync(Outbox, "*.txt");
        await DropAsync(Inbox, "0001", "ping");
        await DropAsync(Inbox, "0002", "+256700000001\nping");

        Path.GetFileName(await rejected).Should().Be("0001.txt.rejected");
        (await File.ReadAllTextAsync(await reply)).Should().Be("+256700000001\npong");
    }

    [Fact]
    public async Task AddBackends_FileDropEngine_BindsRapidSmsStyleKeys()
    {
        var json = $$"""
            {
              "RapidSms": {
                "Backends": {
                  "files": {
                    "ENGINE": "filedrop",
                    "INBOX_PATH": {{System.Text.Json.JsonSerializer.Serialize(Inbox)}},
                    "OUTBOX_PATH": {{System.Text.Json.JsonSerializer.Serialize(Outbox)}},
                    "POLL_INTERVAL": "00:00:00.020"
                  }
                }
              }
            }
            """;
        await using var host = await DocsHost.StartAsync(
            (rapid, configuration) => rapid.AddHandler<EchoHandler>().AddBackends(configuration.GetSection("RapidSms:Backends")),
            json);

        host.Router.GetBackend("files").Should().BeOfType<FileDropBackend>();
        var reply = WaitForFileAsync(Outbox, "*.txt");
        await DropAsync(Inbox, "0001", "+256700000001\necho hello");

        (await File.ReadAllTextAsync(await reply)).Should().Be("+256700000001\nhello");
    }

    [Fact]
    public async Task Start_WithoutInboxPath_FailsWithTheErrorTheDocShows()
    {
        const string json = """
            { "RapidSms": { "Backends": { "spool": { "ENGINE": "filedrop", "OUTBOX_PATH": "/var/spool/sms/out" } } } }
            """;
        var start = () => DocsHost.StartAsync((rapid, configuration) => rapid.AddBackends(configuration.GetSection("RapidSms:Backends")), json);

        var error = await start.Should().ThrowAsync<BackendConfigurationException>();
        error.Which.Backend.Should().Be("spool");
        MarkdownDocument.Read("docs/writing-a-backend.md").Should().Contain(error.Which.Message);
    }

    [Fact]
    public void DocJson_RegistersTheSpoolBackendWithItsOptions()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
            new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(MarkdownDocument.RepositoryRoot, "tests/RapidSms.Tests/Docs/Snippets/filedrop.appsettings.json"));
        ConfigurationExamples.FromConfiguration(builder);
        using var host = builder.Build();

        // Building the router creates and configures the backends; starting would create /var/spool folders.
        var router = host.Services.GetRequiredService<IRouter>();

        router.GetBackend("spool").Should().BeOfType<FileDropBackend>();
        var options = host.Services.GetRequiredService<IOptionsMonitor<FileDropOptions>>().Get("spool");
        options.InboxPath.Should().Be("/var/spool/sms/in");
        options.OutboxPath.Should().Be("/var/spool/sms/out");
        options.PollInterval.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    /// <summary>Writes a message file the way the backend expects: complete under a temporary name, then renamed.</summary>
    private static async Task DropAsync(string folder, string name, string content)
    {
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, name + ".tmp");
        await File.WriteAllTextAsync(temporary, content);
        File.Move(temporary, Path.Combine(folder, name + ".txt"));
    }

    /// <summary>Completes with the first file matching <paramref name="pattern"/>, watching for it rather than polling.</summary>
    private static Task<string> WaitForFileAsync(string folder, string pattern)
    {
        Directory.CreateDirectory(folder);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new FileSystemWatcher(folder, pattern);
        watcher.Created += (_, e) => found.TrySetResult(e.FullPath);
        watcher.Renamed += (_, e) => found.TrySetResult(e.FullPath);
        watcher.EnableRaisingEvents = true;
        if (Directory.GetFiles(folder, pattern).FirstOrDefault() is { } existing)
        {
            found.TrySetResult(existing);
        }

        return Finish(found.Task, watcher);
    }

    private static Task WaitForDeletionAsync(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var deleted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new FileSystemWatcher(folder, Path.GetFileName(path));
        watcher.Deleted += (_, e) => deleted.TrySetResult(e.FullPath);
        watcher.EnableRaisingEvents = true;
        return Finish(deleted.Task, watcher);
    }

    private static async Task<string> Finish(Task<string> task, FileSystemWatcher watcher)
    {
        using (watcher)
        {
            return await task.WaitAsync(Timeout);
        }
    }
}
