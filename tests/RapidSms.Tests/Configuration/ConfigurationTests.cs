using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RapidSms.Backends.Bucket;
using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Configuration;

public sealed class ConfigurationTests
{
    private static IConfigurationSection Section(string json)
    {
        var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return new ConfigurationBuilder().AddJsonStream(stream).Build().GetSection("RapidSms:Backends");
    }

    private static RouterFixture FromJson(string json, Action<IRapidSmsBuilder>? more = null) =>
        RouterFixture.Create(rapid =>
        {
            more?.Invoke(rapid);
            rapid.AddBackends(Section(json));
        });

    [Fact]
    public async Task AddBackends_ShortAliasAndTypeNames_AllResolve_SeveralBackendsOnOneEngine()
    {
        await using var fixture = FromJson($$"""
            { "RapidSms": { "Backends": {
                "tester":   { "Engine": "bucket" },
                "modem1":   { "ENGINE": "rapidsms.backends.bucket" },
                "modem2":   { "Engine": "rapidsms.backends.bucket.BucketBackend" },
                "typed":    { "Engine": "{{typeof(TestBackend).FullName}}", "Greeting": "hi" },
                "declared": { "Engine": "Declared-Test", "Port": "99" },
                "aliased":  { "Engine": "legacy.declared" },
                "short":    "bucket"
            } } }
            """);

        fixture.Router.Backends.Select(b => (b.Name, b.GetType().Name)).Should().BeEquivalentTo(
        [
            ("tester", nameof(BucketBackend)), ("modem1", nameof(BucketBackend)), ("modem2", nameof(BucketBackend)),
            ("typed", nameof(TestBackend)), ("declared", nameof(DeclaredBackend)), ("aliased", nameof(DeclaredBackend)),
            ("short", nameof(BucketBackend)),
        ]);
        fixture.Router.GetBackend<TestBackend>("typed").Options.Greeting.Should().Be("hi");
    }

    [Fact]
    public async Task AddBackends_OptionsAreNamedPerBackend()
    {
        await using var fixture = FromJson($$"""
            { "RapidSms": { "Backends": {
                "one": { "Engine": "{{typeof(TestBackend).FullName}}", "Port": "1", "Channels": [ "#a", "#b" ] },
                "two": { "Engine": "{{typeof(TestBackend).FullName}}", "Port": "2", "Mode": "delivered" }
            } } }
            """);

        var one = fixture.Router.GetBackend<TestBackend>("one").Options;
        var two = fixture.Router.GetBackend<TestBackend>("two").Options;
        (one.Port, two.Port).Should().Be((1, 2));
        one.Channels.Should().Equal("#a", "#b");
        two.Mode.Should().Be(DeliveryStatus.Delivered);
    }

    [Fact]
    public async Task AddBackends_RapidSmsStyleUpperCaseKeysWithUnderscores_Bind()
    {
        await using var fixture = FromJson($$"""
            { "RapidSms": { "Backends": {
                "legacy": { "ENGINE": "{{typeof(TestBackend).FullName}}", "GREETING": "hello", "TIME_OUT": "00:00:10" }
            } } }
            """);

        var options = fixture.Router.GetBackend<TestBackend>("legacy").Options;
        options.Greeting.Should().Be("hello");
        options.Timeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AddBackends_EngineRegisteredInCode_Resolves()
    {
        await using var fixture = FromJson(
            """{ "RapidSms": { "Backends": { "custom": { "Engine": "mine" } } } }""",
            rapid => rapid.AddEngine<TestBackend>("mine", "also-mine"));

        fixture.Router.GetBackend("custom").Should().BeOfType<TestBackend>();
    }

    [Fact]
    public void AddBackends_UnknownEngine_FailsNamingBackendAndListingKnownEngines()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "Zain": { "Engine": "gsmm", "Port": "/dev/ttyUSB1" } } } }""");

        var error = act.Should().Throw<BackendConfigurationException>().Which;
        error.Backend.Should().Be("Zain");
        error.Key.Should().Be("Engine");
        // The tests reference RapidSms.Testing, whose simulators bring the gsm and smpp packages along.
        error.Message.Should().StartWith("Backend 'Zain': unknown engine 'gsmm'. Known engines: bucket, declared-test, filedrop, gsm, smpp.")
            .And.Contain("Engines whose package this application does not reference: email (package RapidSms.Backends.Email), http (package RapidSms.Backends.Http)");
    }

    [Fact]
    public void AddBackends_MissingEngine_FailsNamingBackend()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "Zain": { "Port": "/dev/ttyUSB1" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'Zain' has no 'Engine' key: set it to an engine such as \"bucket\", \"email\", \"gsm\", \"http\", \"irc\", \"kannel\", \"smpp\".");
    }

    [Fact]
    public void AddBackends_UnknownOption_FailsNamingBackendKeyAndKnownOptions()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket", "MaxKep": "5" } } } }""");

        var error = act.Should().Throw<BackendConfigurationException>().Which;
        error.Key.Should().Be("MaxKep");
        error.Message.Should().Be("Backend 'tester' (engine 'bucket'): unknown option 'MaxKep'. Known options: FailIdentities, MaxKept.");
    }

    [Fact]
    public void AddBackends_ValueOfWrongKind_FailsNamingKeyAndExpectedValue()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket", "MaxKept": "lots" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'tester' (engine 'bucket'): option 'MaxKept' has value 'lots'; expected a whole number (Int32).")
            .Which.Key.Should().Be("MaxKept");
    }

    [Fact]
    public void AddBackends_SingleValueForAList_SaysToUseAnArray()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket", "FailIdentities": "+1" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'tester' (engine 'bucket'): option 'FailIdentities' is a list; give it as an array, such as \"FailIdentities\": [ \"+1\" ].");
    }

    [Fact]
    public void AddBackends_SectionForASingleValue_Fails()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket", "MaxKept": { "Value": 5 } } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'tester' (engine 'bucket'): option 'MaxKept' takes a single value (a whole number (Int32)), not a section.");
    }

    [Fact]
    public void AddBackends_SameOptionInTwoSpellings_Fails()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket", "MAX_KEPT": "5", "MaxKept": "6" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'tester' (engine 'bucket'): option 'MaxKept' is given twice*");
    }

    [Fact]
    public void AddBackends_BadEnumValue_ListsAllowedValues()
    {
        var act = () => FromJson($$"""{ "RapidSms": { "Backends": { "x": { "Engine": "{{typeof(TestBackend).FullName}}", "Mode": "teleported" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'x' (engine 'RapidSms.Tests.Infrastructure.TestBackend'): option 'Mode' has value 'teleported'; expected one of Unknown, Queued, Sent, Delivered, Failed, Expired, Rejected.");
    }

    [Fact]
    public void AddBackends_OptionForEngineWithoutOptions_Fails()
    {
        var act = () => FromJson($$"""{ "RapidSms": { "Backends": { "p": { "Engine": "{{typeof(PlainBackend).FullName}}", "Port": "1" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'p' (engine 'RapidSms.Tests.Infrastructure.PlainBackend'): unknown option 'Port'. Engine 'RapidSms.Tests.Infrastructure.PlainBackend' takes no options.");
    }

    [Fact]
    public void AddBackends_TypeThatIsNotABackend_Fails()
    {
        var act = () => FromJson("""{ "RapidSms": { "Backends": { "x": { "Engine": "System.String" } } } }""");

        act.Should().Throw<BackendConfigurationException>()
            .WithMessage("Backend 'x': engine 'System.String' is the type System.String, which is not a concrete subclass of RapidSms.BackendBase.");
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartUp_NamingBackendAndKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("smsc", b => b.Use<TestBackend, TestBackendOptions>(o => o.Window = 50)));
        using var host = builder.Build();

        var act = () => host.StartAsync();

        var error = (await act.Should().ThrowAsync<BackendConfigurationException>()).Which;
        error.Backend.Should().Be("smsc");
        error.Message.Should().StartWith("Backend 'smsc' (engine 'TestBackend') has invalid options:")
            .And.Contain("Window").And.Contain("between 1 and 10");
    }

    [Fact]
    public void DuplicateBackendName_FailsFast_SayingWhatToDo()
    {
        var act = () => FromJson(
            """{ "RapidSms": { "Backends": { "tester": { "Engine": "bucket" } } } }""",
            rapid => rapid.AddBackend("tester", b => b.UseBucket()));

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("A backend named 'tester' is already registered (engine 'BucketBackend'). Backend names must be unique: rename one of them, or remove the duplicate from code or configuration.");
    }

    [Fact]
    public void AddBackend_WithoutEngine_Fails()
    {
        var act = () => RouterFixture.Create(rapid => rapid.AddBackend("nothing", _ => { }));

        act.Should().Throw<InvalidOperationException>().WithMessage("Backend 'nothing' was added without an engine*b.UseBucket()*");
    }

    [Fact]
    public void AddBackend_TwoEngines_Fails()
    {
        var act = () => RouterFixture.Create(rapid => rapid.AddBackend("both", b => b.UseBucket().Use<PlainBackend>()));

        act.Should().Throw<InvalidOperationException>().WithMessage("Backend 'both' already uses engine 'BucketBackend'*");
    }

    [Fact]
    public async Task AddBackend_OptionsFromCode_ReachTheBackend()
    {
        await using var fixture = RouterFixture.Create(rapid => rapid
            .AddBackend("custom", b => b.Use<TestBackend, TestBackendOptions>(o => o.Greeting = "habari"))
            .AddBackend("plain", b => b.Use<PlainBackend>()));

        fixture.Router.GetBackend<TestBackend>("custom").Options.Greeting.Should().Be("habari");
        fixture.Router.GetBackend("plain").Name.Should().Be("plain");
    }

    [Fact]
    public async Task Use_WithConfigurationSection_BindsAndRejectsUnknownKeys()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Smsc:Port"] = "2775" }).Build().GetSection("Smsc");
        await using var fixture = RouterFixture.Create(rapid => rapid.AddBackend("smsc", b => b.Use<TestBackend, TestBackendOptions>(section)));
        fixture.Router.GetBackend<TestBackend>("smsc").Options.Port.Should().Be(2775);

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Smsc:Prot"] = "2775" }).Build().GetSection("Smsc");
        var act = () => RouterFixture.Create(rapid => rapid.AddBackend("smsc", b => b.Use<TestBackend, TestBackendOptions>(bad)));
        act.Should().Throw<BackendConfigurationException>().WithMessage("Backend 'smsc' (engine 'TestBackend'): unknown option 'Prot'.*");
    }

    [Fact]
    public async Task AddRapidSms_Twice_IsHarmless()
    {
        var services = new ServiceCollection();
        services.AddRapidSms(rapid => rapid.AddBackend("a", b => b.UseBucket()));
        services.AddRapidSms(rapid => rapid.AddApp<EchoLikeApp>().AddApp<EchoLikeApp>());
        await using var provider = services.BuildServiceProvider();

        provider.GetServices<IHostedService>().Should().ContainSingle();
        provider.GetRequiredService<IRouter>().Apps.Should().ContainSingle();
        provider.GetRequiredService<IRouter>().Should().BeSameAs(provider.GetRequiredService<IRouter>());
    }

    [Fact]
    public async Task RouterOptions_Invalid_FailsWithTheKey()
    {
        var services = new ServiceCollection();
        services.AddRapidSms(rapid => rapid.ConfigureRouter(o => o.MaxConcurrentMessages = 0));
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IRouter>();

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*MaxConcurrentMessages*");
    }

    private sealed class EchoLikeApp : AppBase;
}

public sealed class RegistrationTests
{
    private sealed class CountingApp : AppBase, IDeliveryReportObserver
    {
        public int Reports { get; private set; }

        public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
        {
            Reports++;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Apps_AreResolvableAsThemselves_SameInstanceAsTheRouterUses()
    {
        await using var fixture = RouterFixture.Create(rapid => rapid
            .AddApp<CountingApp>()
            .AddDeliveryReportObserver<CountingApp>()
            .AddHandler<PingHandler>()
            .AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>()));
        var app = fixture.Services.GetRequiredService<CountingApp>();

        await fixture.Backend("a").ReportAsync(new DeliveryReport("a", "+1", DeliveryStatus.Delivered, DateTimeOffset.UnixEpoch));

        fixture.Router.Apps.Should().Contain(app);
        app.Reports.Should().Be(1, "an app that is also registered as an observer is told once");
        fixture.Services.GetRequiredService<HandlersApp>().Handlers.Should().ContainSingle()
            .Which.Should().BeSameAs(fixture.Services.GetRequiredService<PingHandler>());
    }

    [Fact]
    public async Task ConfigureRouter_FromConfiguration_BindsAndRejectsUnknownKeys()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:MaxConcurrentMessages"] = "8",
            ["Router:SendRetryDelay"] = "00:00:05",
        }).Build().GetSection("Router");
        await using var fixture = RouterFixture.Create(rapid => rapid.ConfigureRouter(section));

        var options = fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RapidSmsOptions>>().Value;
        (options.MaxConcurrentMessages, options.SendRetryDelay).Should().Be((8, TimeSpan.FromSeconds(5)));

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Router:MaxConcurency"] = "8" }).Build().GetSection("Router");
        var act = () => RouterFixture.Create(rapid => rapid.ConfigureRouter(bad));
        act.Should().Throw<InvalidOperationException>().WithMessage("*MaxConcurency*");
    }
}
