using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RapidSms;
using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>docs/backends/smpp.md, the package README and the sample: their code compiles and their settings bind.</summary>
public sealed partial class DocsTests
{
    private const string Page = "docs/backends/smpp.md";
    private const string Readme = "src/RapidSms.Backends.Smpp/README.md";

    private static string Read(string path) => File.ReadAllText(Path.Combine(Peers.RepositoryRoot, path));

    /// <summary>The fenced block right after <paramref name="marker"/>.</summary>
    private static string BlockAfter(string document, string marker)
    {
        var text = Read(document).ReplaceLineEndings("\n");
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        at.Should().BeGreaterThanOrEqualTo(0, $"{document} has {marker}");
        var match = FenceRegex().Match(text, at);
        match.Success.Should().BeTrue();
        return match.Groups["body"].Value.TrimEnd();
    }

    /// <summary>The lines between <c>// &lt;name&gt;</c> and <c>// &lt;/name&gt;</c> of this file, unindented.</summary>
    private static string Region(string name)
    {
        var lines = Read("tests/RapidSms.Backends.Smpp.Tests/DocsTests.cs").ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == $"// <{name}>");
        var end = Array.FindIndex(lines, l => l.Trim() == $"// </{name}>");
        var body = lines[(start + 1)..end];
        var indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }

    [Theory]
    [InlineData(Page, "register")]
    [InlineData(Page, "per-message")]
    [InlineData(Page, "simulator")]
    [InlineData(Page, "simulator-use")]
    [InlineData(Page, "operations")]
    [InlineData(Readme, "register")]
    public void Snippet_InDocument_IsTheCompiledRegion(string document, string region)
    {
        var expected = Region(region);
        var block = BlockAfter(document, $"<!-- snippet: tests/RapidSms.Backends.Smpp.Tests/DocsTests.cs#{region} -->");

        // A snippet may open with the using directives a reader needs; this file has them too.
        var lines = block.Split('\n').ToList();
        while (lines.Count > 0 && (lines[0].Length == 0 || lines[0].StartsWith("using ", StringComparison.Ordinal)))
        {
            lines.RemoveAt(0);
        }

        string.Join('\n', lines).Should().Be(expected);
    }

    [Fact]
    public void Register_CodeFromDocs_ConfiguresTheBackend()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        // <register>
        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<EchoHandler>()
            .AddBackend("smsc", b => b.UseSmpp(o =>
            {
                o.Host = "smpp.example.com";
                o.Port = 2775;
                o.SystemId = "rapidsms";
                o.Password = "secret";
                o.SourceAddress = "RapidSMS";
                o.WindowSize = 20;
                o.MaxSubmitsPerSecond = 50;
            })));
        // </register>

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<SmppOptions>>().Get("smsc");
        options.WindowSize.Should().Be(20);
        options.ToString().Should().NotContain("secret");
    }

    [Fact]
    public void AppSettings_FromDocs_BindsEveryKey()
    {
        var json = BlockAfter(Page, "<!-- full-example: tests/RapidSms.Backends.Smpp.Tests/DocsTests.cs reads this block -->");
        using var host = DocsConfiguration.BuildHost(json, out _);
        var options = host.Services.GetRequiredService<IOptionsMonitor<SmppOptions>>().Get("smsc");

        options.Host.Should().Be("smpp.example.com");
        options.SystemId.Should().Be("rapidsms");
        options.BindMode.Should().Be(SmppBindMode.Transceiver);
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(10));
        options.MaxSubmitsPerSecond.Should().Be(50);
        options.DefaultAlphabet.Should().Be(SmppAlphabet.Gsm7);
        options.RegisteredDelivery.Should().Be(1);
    }

    [Fact]
    public void AppSettings_Sample_BindsAndValidates()
    {
        using var host = DocsConfiguration.BuildHostFromFile(Path.Combine(Peers.RepositoryRoot, "samples/RapidSms.Samples.Smpp/appsettings.json"));

        host.Services.GetRequiredService<IOptionsMonitor<SmppOptions>>().Get("smsc").Port.Should().Be(2775);
    }

    [Fact]
    public void AppSettings_UnknownKey_IsAnError()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RapidSms:Backends:smsc:Engine"] = "rapidsms.backends.smpp",
            ["RapidSms:Backends:smsc:Host"] = "localhost",
            ["RapidSms:Backends:smsc:SystemId"] = "x",
            ["RapidSms:Backends:smsc:WindowSzie"] = "5",
        });

        FluentActions.Invoking(() => builder.Services.AddRapidSms(rapid => rapid.AddBackends(builder.Configuration.GetSection("RapidSms:Backends"))))
            .Should().Throw<BackendConfigurationException>().WithMessage("*smsc*WindowSzie*");
    }

    [Fact]
    public async Task Start_MissingHost_FailsNamingBackendAndOption()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("smsc", b => b.UseSmpp(o => o.SystemId = "x")));
        using var host = builder.Build();

        var error = await FluentActions.Awaiting(() => host.StartAsync()).Should().ThrowAsync<BackendConfigurationException>();

        error.Which.Message.Should().Contain("smsc").And.Contain("Host");
    }

    [Fact]
    public async Task Start_Gsm7WithLatinDefaultAlphabet_FailsNamingBothOptions()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackend("smsc", b => b.UseSmpp(o =>
        {
            o.Host = "localhost";
            o.SystemId = "x";
            o.Encoding = SmppTextEncoding.Gsm7;
            o.DefaultAlphabet = SmppAlphabet.Latin1;
        })));
        using var host = builder.Build();

        var error = await FluentActions.Awaiting(() => host.StartAsync()).Should().ThrowAsync<BackendConfigurationException>();

        error.Which.Message.Should().Contain("Encoding").And.Contain("DefaultAlphabet");
    }

    [Fact]
    public async Task Snippets_SimulatorAndPerMessage_Run()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // <simulator>
        await using var smsc = SmppSimulator.Start(new SmppSimulatorOptions { AutoReceipts = true });
        // </simulator>

        await using var host = await Infrastructure.SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        await host.WaitForBindAsync(timeout.Token);
        var router = host.Router;

        // <per-message>
        var message = new OutgoingMessage(new Connection("smpp", "+256700000001"), "Clinic opens at 9");
        message.Fields[SmppFields.SourceAddress] = "8888";
        await router.SendOutgoingAsync(message);
        // </per-message>

        // <simulator-use>
        var sent = await smsc.WaitForMessagesAsync(1, timeout.Token);
        await smsc.SendMessageAsync("+256700000001", "8888", "ping", timeout.Token);   // mobile-originated
        // </simulator-use>

        sent.Single().Parts.Single().Pdu.Source.Address.Should().Be("8888");
        (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single().Text.Should().Be("ping");
        (await host.App.WaitForReportsAsync(1, timeout.Token)).Single().MessageId.Should().Be(message.Id);
    }

    [Fact]
    public async Task Snippet_QueryCancelReplace_Runs()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var smsc = SmppSimulator.Start();
        await using var host = await Infrastructure.SmppTestHost.StartAsync(smsc.Host, smsc.Port);
        await host.WaitForBindAsync(timeout.Token);
        var router = host.Router;
        var cancellationToken = timeout.Token;

        // <operations>
        var smpp = (SmppBackend)router.GetBackend("smpp");
        var sent = await router.SendAsync("Clinic opens at 9", new Connection("smpp", "+256700000001"), cancellationToken);
        var smscId = sent.Recipients[0].BackendMessageId!;

        var state = await smpp.QueryAsync(smscId, cancellationToken: cancellationToken);
        if (!state.IsFinal)
        {
            await smpp.ReplaceAsync(smscId, "Clinic opens at 10", cancellationToken: cancellationToken);
            // or: await smpp.CancelAsync(smscId, "+256700000001", cancellationToken: cancellationToken);
        }
        // </operations>

        state.Status.Should().Be(DeliveryStatus.Sent);
        smsc.GetReplacementText(smscId).Should().Be("Clinic opens at 10");
    }

    [GeneratedRegex("```[a-z]*\\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FenceRegex();
}
