using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>The configuration shown in the docs, the package readme and the sample binds and validates as pasted.</summary>
public sealed partial class DocsTests
{
    public static TheoryData<string, int> JsonBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[] { "docs/backends/email.md", "src/RapidSms.Backends.Email/README.md" })
        {
            var blocks = JsonBlock().Matches(File.ReadAllText(Path.Combine(Peers.RepositoryRoot, file)));
            for (var i = 0; i < blocks.Count; i++)
            {
                data.Add(file, i);
            }
        }

        data.Add("samples/RapidSms.Samples.Email/appsettings.json", -1);
        return data;
    }

    [Theory]
    [MemberData(nameof(JsonBlocks))]
    public void Configuration_AsDocumented_BindsAndValidates(string file, int block)
    {
        var text = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, file));
        var json = block < 0 ? text : JsonBlock().Matches(text)[block].Groups[1].Value;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        if (block < 0)
        {
            // The sample leaves the password to the environment.
            configuration["RapidSms:Backends:email:ImapPassword"] = "from the environment";
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid => rapid.AddBackends(configuration.GetSection("RapidSms:Backends")));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<EmailOptions>>().Get("email");

        options.ImapHost.Should().NotBeNullOrEmpty();
        options.FromAddress.Should().Contain("@");
    }

    [Fact]
    public void DocsExamples_RegisterInCode_Compiles()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["GmailAppPassword"] = "abcd efgh ijkl mnop";

        builder.Services.AddRapidSms(rapid => rapid
            .AddHandler<PingHandler>()
            .AddBackend("email", b => b.UseEmail(o =>
            {
                o.ImapHost = "imap.gmail.com";
                o.ImapUserName = "clinic.sms@gmail.com";
                o.ImapPassword = builder.Configuration["GmailAppPassword"]!;
                o.SmtpHost = "smtp.gmail.com";
                o.FromAddress = "clinic.sms@gmail.com";
                o.FromName = "Clinic SMS";
            })));
        using var host = builder.Build();

        host.Services.GetRequiredService<IOptionsMonitor<EmailOptions>>().Get("email").SmtpPort.Should().Be(587);
    }

    [Fact]
    public async Task DocsExamples_AccessTokenProviderFromDependencyInjection_IsSetOnTheNamedOptions()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RapidSms:Backends:email:Engine"] = "email",
            ["RapidSms:Backends:email:ImapHost"] = "imap.gmail.com",
            ["RapidSms:Backends:email:ImapUserName"] = "clinic.sms@gmail.com",
            ["RapidSms:Backends:email:SmtpHost"] = "smtp.gmail.com",
            ["RapidSms:Backends:email:FromAddress"] = "clinic.sms@gmail.com",
        });

        builder.Services.AddSingleton<MailTokenSource>();
        builder.Services.AddOptions<EmailOptions>("email")
            .Configure<MailTokenSource>((o, tokens) => o.AccessTokenProvider = tokens.GetAccessTokenAsync);
        builder.Services.AddRapidSms(rapid => rapid
            .AddBackends(builder.Configuration.GetSection("RapidSms:Backends")));
        using var host = builder.Build();

        var provider = host.Services.GetRequiredService<IOptionsMonitor<EmailOptions>>().Get("email").AccessTokenProvider;
        provider.Should().NotBeNull();
        (await provider!(CancellationToken.None)).Should().Be("ya29.token");
    }

    [Fact]
    public void Docs_OptionsTable_ListsEveryOptionWithItsDefault()
    {
        var docs = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, "docs/backends/email.md"));
        var table = docs[docs.IndexOf("### Options", StringComparison.Ordinal)..docs.IndexOf("## Logging", StringComparison.Ordinal)];
        var rows = OptionRow().Matches(table).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

        var options = typeof(EmailOptions).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);

        rows.Keys.Should().BeEquivalentTo(options);
        rows.Values.Should().OnlyContain(d => d.Length > 0);
    }

    private sealed class MailTokenSource
    {
        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult("ya29.token");
    }

    [GeneratedRegex("^\\| `(\\w+)` \\| ([^|]*) \\|", RegexOptions.Multiline)]
    private static partial Regex OptionRow();

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
