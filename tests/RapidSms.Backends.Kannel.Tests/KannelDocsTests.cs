using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MyCompany.Sms;
using RapidSms.Backends.Kannel;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>The configuration shown in docs/backends/kannel.md builds a working backend.</summary>
public sealed class KannelDocsTests
{
    [Theory]
    [InlineData("kannel.appsettings.json", "kannel-usb0-smsc")]
    [InlineData("rapidsms-style.appsettings.json", "kannel-fake-smsc")]
    public void AppSettingsExample_Binds(string file, string name)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonFile(Path.Combine(Peers.RepositoryRoot, "tests", "RapidSms.Backends.Kannel.Tests", "Docs", file));
        builder.Services.AddRapidSms(rapid => rapid.AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        using var host = builder.Build();

        host.Services.GetRequiredService<IRouter>().GetBackend<KannelBackend>(name).Name.Should().Be(name);
    }

    [Theory]
    [InlineData("docs/backends/kannel.md")]
    [InlineData("src/RapidSms.Backends.Kannel/README.md")]
    [InlineData("samples/RapidSms.Samples.Kannel/README.md")]
    public void GetUrlShownInDocs_AsksForWhatTheTestedKannelConfigurationAsksFor(string file)
    {
        static string Query(string line) => line[(line.IndexOf('?', StringComparison.Ordinal) + 1)..].TrimEnd('"').Replace("{{SECRET}}\"", "", StringComparison.Ordinal).Replace("{{SECRET}}", "", StringComparison.Ordinal);
        var tested = File.ReadLines(Path.Combine(Peers.RepositoryRoot, "tests", "peers", "kannel", "kannel.conf.template")).Single(l => l.StartsWith("get-url", StringComparison.Ordinal));
        var shown = File.ReadLines(Path.Combine(Peers.RepositoryRoot, file)).Where(l => l.StartsWith("get-url = ", StringComparison.Ordinal)).ToList();

        shown.Should().NotBeEmpty();
        shown.Select(Query).Should().AllBe(Query(tested), "the integration tests prove this get-url (text=%b keeps line breaks; %a would not)");
    }

    [Theory]
    [InlineData("docs/backends/kannel.md")]
    [InlineData("src/RapidSms.Backends.Kannel/README.md")]
    [InlineData("samples/RapidSms.Samples.Kannel/README.md")]
    [InlineData("samples/RapidSms.Samples.Kannel/appsettings.json")]
    public void EveryAppSettingsBlockShown_BindsAsPasted(string file)
    {
        foreach (var json in DocsConfiguration.AppSettingsBlocks(file))
        {
            using var host = DocsConfiguration.BuildHost(json, out var names);

            names.Should().NotBeEmpty();
            foreach (var name in names)
            {
                host.Services.GetRequiredService<IRouter>().GetBackend<KannelBackend>(name).Name.Should().Be(name, "the block in {0} works when pasted", file);
            }
        }
    }

    [Fact]
    public void SelfHostedExample_Configures()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kannel:Password"] = "p" });
        builder.Services.AddLogging();
        KannelDocsExamples.SelfHosted(builder);
        using var host = builder.Build();

        host.Services.GetRequiredService<IRouter>().GetBackend<KannelBackend>("kannel-usb0-smsc").Should().NotBeNull();
    }

    [Fact]
    public async Task MappedExample_TakesDeliveryReportsOnTheMappedPath()
    {
        var app = KannelDocsExamples.Mapped(["--urls", "http://127.0.0.1:0", "--Kannel:Password", "p", "--Kannel:Secret", "s"]);
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient();

            var response = await client.GetAsync($"{app.Urls.First()}/sms/kannel?rapidsms-dlr=1&message=m&identity=1&type=8&secret=s");

            response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
            await app.StopAsync();
        }
    }
}
