using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MyCompany.Sms;
using RapidSms.Backends.Http;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Http.Tests;

/// <summary>The configuration shown in docs/backends/http.md builds a working backend.</summary>
public sealed class HttpDocsTests
{
    [Theory]
    [InlineData("http.appsettings.json", "gateway")]
    [InlineData("rapidsms-style.appsettings.json", "my-gateway")]
    public void AppSettingsExample_Binds(string file, string name)
    {
        using var host = DocsConfiguration.BuildHostFromFile(Path.Combine(Peers.RepositoryRoot, "tests", "RapidSms.Backends.Http.Tests", "Docs", file));

        // Creating the router creates and configures the backends (the listener starts only with the host).
        var backend = host.Services.GetRequiredService<IRouter>().GetBackend<HttpBackend>(name);

        backend.Name.Should().Be(name);
    }

    [Theory]
    [InlineData("docs/backends/http.md")]
    [InlineData("src/RapidSms.Backends.Http/README.md")]
    [InlineData("samples/RapidSms.Samples.Http/README.md")]
    [InlineData("samples/RapidSms.Samples.Http/appsettings.json")]
    public void EveryAppSettingsBlockShown_BindsAsPasted(string file)
    {
        foreach (var json in DocsConfiguration.AppSettingsBlocks(file))
        {
            using var host = DocsConfiguration.BuildHost(json, out var names);

            names.Should().NotBeEmpty();
            foreach (var name in names)
            {
                host.Services.GetRequiredService<IRouter>().GetBackend<HttpBackend>(name).Name.Should().Be(name, "the block in {0} works when pasted", file);
            }
        }
    }

    [Fact]
    public void SelfHostedExample_Configures()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        HttpDocsExamples.SelfHosted(builder);
        using var host = builder.Build();

        host.Services.GetRequiredService<IRouter>().GetBackend<HttpBackend>("gateway").Should().NotBeNull();
    }

    [Fact]
    public async Task MappedExample_ReceivesOnTheMappedPath()
    {
        var app = HttpDocsExamples.Mapped(["--urls", "http://127.0.0.1:0", "--Sms:WebhookSecret", "s", "--Sms:ApiToken", "t"]);
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.Urls.First()}/sms/incoming?phone=1&message=hello");
            request.Headers.Add("X-RapidSms-Secret", "s");

            var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
            await app.StopAsync();
        }
    }
}
