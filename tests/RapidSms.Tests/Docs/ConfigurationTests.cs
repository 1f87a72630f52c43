using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MyCompany.Sms;
using RapidSms.Backends.Bucket;

namespace RapidSms.Tests.Docs;

/// <summary>docs/configuration.md: its examples work and its error messages are the ones the code gives.</summary>
public sealed class ConfigurationTests
{
    private const string Page = "docs/configuration.md";
    private const string BackendsJson = "tests/RapidSms.Tests/Docs/Snippets/appsettings.backends.json";

    private static HostApplicationBuilder NewBuilder(string? json = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (json is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        }

        return builder;
    }

    private static Task<DocsHost> StartWithBackendsAsync(string backendsJson) =>
        DocsHost.StartAsync(
            (rapid, configuration) => rapid.AddBackends(configuration.GetSection("RapidSms:Backends")),
            $$"""{ "RapidSms": { "Backends": {{backendsJson}} } }""");

    [Fact]
    public async Task BackendsJson_RegistersThreeBucketsEachWithItsOwnOptions()
    {
        await using var host = await DocsHost.StartAsync(builder =>
        {
            builder.Configuration.AddJsonFile(Path.Combine(MarkdownDocument.RepositoryRoot, BackendsJson));
            ConfigurationExamples.FromConfiguration(builder);
        });
        var options = host.Services.GetRequiredService<IOptionsMonitor<BucketOptions>>();

        // Configuration lists a section's children sorted by key, not in file order.
        host.Router.Backends.Select(b => b.Name).Should().Equal("load_test", "message_tester", "refusing");
        host.Router.Backends.Should().AllBeOfType<BucketBackend>();
        options.Get("message_tester").MaxKept.Should().Be(10_000);
        options.Get("load_test").MaxKept.Should().Be(100);
        options.Get("refusing").MaxKept.Should().Be(50);
        options.Get("refusing").FailIdentities.Should().Equal("+256700000099");

        var result = await host.Router.SendAsync("hi", [new Connection("refusing", "+256700000001"), new Connection("refusing", "+256700000099")]);
        result.FailedIdentities.Should().Equal("+256700000099");
    }

    [Fact]
    public async Task BackendsJson_RouterSection_IsBoundByTheSnippet()
    {
        await using var host = await DocsHost.StartAsync(builder =>
        {
            builder.Configuration.AddJsonFile(Path.Combine(MarkdownDocument.RepositoryRoot, BackendsJson));
            ConfigurationExamples.RouterFromConfiguration(builder);
            ConfigurationExamples.FromConfiguration(builder);
        });

        var options = host.Services.GetRequiredService<IOptions<RapidSmsOptions>>().Value;
        options.MaxConcurrentMessages.Should().Be(16);
        options.Capacity.Should().Be(256);
        options.SendRetryDelay.Should().Be(TimeSpan.FromSeconds(2));
        options.MaxSendAttempts.Should().Be(3);
    }

    [Fact]
    public async Task RouterOptions_UnknownKey_StopsTheHost()
    {
        var start = () => DocsHost.StartAsync(
            builder =>
            {
                ConfigurationExamples.RouterFromConfiguration(builder);
                builder.Services.AddRapidSms();
            },
            """{ "RapidSms": { "Router": { "MaxConcurency": 16 } } }""");

        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*MaxConcurency*");
    }

    [Fact]
    public void InCode_RegistersEveryBackendWithItsEngine()
    {
        var builder = NewBuilder("""{ "Spool2": { "InboxPath": "in", "OutboxPath": "out" } }""");
        ConfigurationExamples.InCode(builder);
        using var host = builder.Build();

        var router = host.Services.GetRequiredService<IRouter>();

        router.Backends.Select(b => $"{b.Name}:{b.GetType().Name}").Should().Equal(
            "message_tester:BucketBackend", "load_test:BucketBackend", "spool:FileDropBackend", "spool2:FileDropBackend");
        host.Services.GetRequiredService<IOptionsMonitor<FileDropOptions>>().Get("spool2").InboxPath.Should().Be("in");
    }

    [Fact]
    public void RouterInCode_SetsTheOptions()
    {
        var builder = NewBuilder();
        ConfigurationExamples.RouterInCode(builder);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<RapidSmsOptions>>().Value;

        (options.MaxConcurrentMessages, options.Capacity, options.MaxSendAttempts).Should().Be((16, 256, 5));
    }

    [Fact]
    public void ShutdownTimeout_SetsTheHostOption()
    {
        var builder = NewBuilder();
        ConfigurationExamples.ShutdownTimeout(builder);
        using var host = builder.Build();

        host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("bucket", typeof(BucketBackend))]
    [InlineData("BUCKET", typeof(BucketBackend))]
    [InlineData("rapidsms.backends.bucket", typeof(BucketBackend))]
    [InlineData("rapidsms.backends.bucket.BucketBackend", typeof(BucketBackend))]
    [InlineData("RapidSms.Backends.Bucket.BucketBackend", typeof(BucketBackend))]
    [InlineData("MyCompany.Sms.FileDropBackend, RapidSms.Tests", typeof(FileDropBackend))]
    [InlineData("filedrop", typeof(FileDropBackend))]
    [InlineData("spool", typeof(FileDropBackend))]
    [InlineData("mycompany.spool", typeof(FileDropBackend))]
    public void EngineNames_FromThePageTable_Resolve(string engine, Type expected)
    {
        var json = $$"""{ "RapidSms": { "Backends": { "b": { "Engine": "{{engine}}" } } } }""";
        var builder = NewBuilder(json);
        ConfigurationExamples.WithEngine(builder);
        using var host = builder.Build();

        // Creating the router creates the backends without starting them (file-drop options are not set).
        var registration = () => host.Services.GetRequiredService<IRouter>().GetBackend("b");

        if (expected == typeof(FileDropBackend))
        {
            registration.Should().Throw<BackendConfigurationException>().Which.Message.Should().Contain("FileDropOptions");
        }
        else
        {
            registration().Should().BeOfType(expected);
        }
    }

    [Fact]
    public void EngineShorthand_AndRapidSmsStyleKeys_Bind()
    {
        var builder = NewBuilder("""{ "B": { "a": "bucket", "b": { "ENGINE": "bucket", "MAX_KEPT": 8 } } }""");
        builder.Services.AddRapidSms(rapid => rapid.AddBackends(builder.Configuration.GetSection("B")));
        using var host = builder.Build();

        host.Services.GetRequiredService<IRouter>().Backends.Select(b => b.Name).Should().Equal("a", "b");
        host.Services.GetRequiredService<IOptionsMonitor<BucketOptions>>().Get("b").MaxKept.Should().Be(8);
    }

    public static TheoryData<string, string> RegistrationErrors => new()
    {
        { "missing engine", """{ "message_tester": { "MaxKept": 5 } }""" },
        { "not a backend", """{ "message_tester": { "Engine": "System.String" } }""" },
        { "unknown option", """{ "message_tester": { "Engine": "bucket", "MaxKeep": 5 } }""" },
        { "wrong kind", """{ "message_tester": { "Engine": "bucket", "MAX_KEPT": "lots" } }""" },
        { "wrong time span", """{ "spool": { "Engine": "filedrop", "POLL_INTERVAL": "soon" } }""" },
        { "value for a list", """{ "message_tester": { "Engine": "bucket", "FailIdentities": "+256700000099" } }""" },
        { "two spellings", """{ "message_tester": { "Engine": "bucket", "max-kept": 7, "MAX_KEPT": 8 } }""" },
    };

    [Theory]
    [MemberData(nameof(RegistrationErrors))]
    public async Task ConfigurationError_IsQuotedWordForWord(string mistake, string backendsJson)
    {
        var start = () => StartWithBackendsAsync(backendsJson);

        var error = await start.Should().ThrowAsync<BackendConfigurationException>(mistake);
        MarkdownDocument.Read(Page).Should().Contain(error.Which.Message);
    }

    [Fact]
    public async Task InvalidOption_IsQuotedWordForWord()
    {
        var start = () => StartWithBackendsAsync("""{ "message_tester": { "Engine": "bucket", "MaxKept": 0 } }""");

        var error = await start.Should().ThrowAsync<BackendConfigurationException>();
        error.Which.Backend.Should().Be("message_tester");
        MarkdownDocument.Read(Page).Should().Contain(error.Which.Message);
    }

    [Fact]
    public async Task UnknownEngine_IsQuotedFromAHostWithOnlyTheBucket()
    {
        // The list of known engines depends on what the application references; the page shows the console sample's.
        var start = () => StartWithBackendsAsync("""{ "modem1": { "Engine": "gms" } }""");

        var error = await start.Should().ThrowAsync<BackendConfigurationException>();
        var page = MarkdownDocument.Read(Page);
        error.Which.Key.Should().Be("Engine");
        error.Which.Message.Should().StartWith("Backend 'modem1': unknown engine 'gms'. Known engines: ");
        page.Should().Contain("Backend 'modem1': unknown engine 'gms'. Known engines: bucket. Engines whose package");
        var tail = error.Which.Message[error.Which.Message.IndexOf(" The RapidSMS form", StringComparison.Ordinal)..];
        page.Should().Contain(tail);
    }

    [Fact]
    public void DuplicateName_AndMissingEngine_AreQuotedWordForWord()
    {
        var services = new ServiceCollection();
        var duplicate = () => services.AddRapidSms(rapid => rapid
            .AddBackend("message_tester", b => b.UseBucket())
            .AddBackends(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["B:message_tester:Engine"] = "bucket",
            }).Build().GetSection("B")));
        var noEngine = () => new ServiceCollection().AddRapidSms(rapid => rapid.AddBackend("message_tester", _ => { }));

        var page = MarkdownDocument.Read(Page);
        page.Should().Contain(duplicate.Should().Throw<InvalidOperationException>().Which.Message);
        page.Should().Contain(noEngine.Should().Throw<InvalidOperationException>().Which.Message);
    }

    [Fact]
    public async Task InvalidRouterOptions_AreQuotedWordForWord()
    {
        var start = () => DocsHost.StartAsync(rapid => rapid.ConfigureRouter(o => o.MaxConcurrentMessages = 0));

        var error = await start.Should().ThrowAsync<OptionsValidationException>();
        MarkdownDocument.Read(Page).Should().Contain(error.Which.Message);
    }

    [Fact]
    public void RouterOptionsTable_ListsEveryOptionWithItsDefault()
    {
        var page = MarkdownDocument.Read(Page);
        var defaults = new RapidSmsOptions();

        foreach (var property in typeof(RapidSmsOptions).GetProperties())
        {
            var value = property.GetValue(defaults) switch
            {
                TimeSpan span => $"`{span:hh\\:mm\\:ss}`",
                var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
            };
            page.Should().Contain($"| `{property.Name}` | {value} |");
        }
    }
}
