using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Email.Tests.Client;
using RapidSms.Backends.Email.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>The email backend's instruments, against Dovecot and the scripted SMTP server.</summary>
public sealed class EmailMetricsTests
{
    private const string Install = MailServers.Install;
    private const string Dovecot = MailServers.Dovecot;
    private const string Python = MailServers.Python;

    [PeerFact(Install, Dovecot, Python)]
    public async Task ImapConnected_DovecotKilledAndRestarted_ReadsZeroThenOneAndTheReconnectIsCounted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o => o.MaxReconnectDelay = TimeSpan.FromSeconds(1), services: s => s.AddMetrics());
        var meters = host.Host.Services.GetRequiredService<IMeterFactory>();
        using var connected = new MetricCollector<int>(meters, RapidSmsTelemetry.Name, EmailTelemetry.ImapConnected);
        using var reconnects = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, EmailTelemetry.ImapReconnects);
        await connected.WaitForObservedValueAsync(v => v == 1, timeout.Token);
        connected.LastMeasurement!.HasTag(RapidSmsTelemetry.BackendTag, EmailHost.BackendName).Should().BeTrue();
        reconnects.Count.Should().Be(0);

        await servers.StopImapAsync();

        await reconnects.WaitForMeasurementsAsync(1, timeout.Token);
        reconnects.LastMeasurement!.Value.Should().Be(1);
        reconnects.LastMeasurement.HasTag(RapidSmsTelemetry.BackendTag, EmailHost.BackendName).Should().BeTrue();
        connected.Clear();
        connected.RecordObservableInstruments();
        connected.LastMeasurement!.Value.Should().Be(0, "Dovecot is down");

        await servers.StartImapAsync();

        await connected.WaitForObservedValueAsync(v => v == 1, timeout.Token);
        reconnects.Count.Should().Be(host.Logs.Records.Count(r => r.EventId.Name == "ImapConnectionLost"));
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task SmtpFailures_RecipientsRefused_CountedByReplyClass()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var smtp = new ScriptedServer((session, _, ct) =>
            ScriptedSmtpServerTests.ServeAsync(session, new ConcurrentQueue<string>(), new ConcurrentQueue<string>(), offerStartTls: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o => o.SmtpPort = smtp.Port, services: s => s.AddMetrics());
        var meters = host.Host.Services.GetRequiredService<IMeterFactory>();
        using var failures = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, EmailTelemetry.SmtpFailures);
        var message = new OutgoingMessage(
            [new(EmailHost.BackendName, "ok@example.org"), new(EmailHost.BackendName, "full@example.org"), new(EmailHost.BackendName, "nobody@example.org")],
            "Clinic opens at 9.");

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        result.Recipients.Select(r => r.Succeeded).Should().Equal(true, false, false);
        var transientAttempts = host.Logs.Records.Count(r => r.EventId.Id == 7007 && (bool)r.GetStateValue("Transient")!);
        transientAttempts.Should().BeGreaterThan(0);
        failures.Sum(m => m.HasTag(EmailTelemetry.ErrorTypeTag, "permanent")).Should().Be(1, "550 is not retried");
        failures.Sum(m => m.HasTag(EmailTelemetry.ErrorTypeTag, "transient")).Should().Be(transientAttempts, "the router retries 452, and each attempt counts");
        failures.Sum().Should().Be(1 + transientAttempts);
        failures.Measurements.Should().OnlyContain(m => m.HasTag(RapidSmsTelemetry.BackendTag, EmailHost.BackendName));
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task SmtpFailures_ServerUnreachable_CountedAsIoForEachAttempt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        var closedPort = Peers.FreeTcpPort();
        await using var host = await EmailHost.StartAsync(servers, o => o.SmtpPort = closedPort, services: s => s.AddMetrics());
        var meters = host.Host.Services.GetRequiredService<IMeterFactory>();
        using var failures = new MetricCollector<long>(meters, RapidSmsTelemetry.Name, EmailTelemetry.SmtpFailures);

        var result = await host.Router.SendAsync("hello", new Connection(EmailHost.BackendName, "alice@example.test"), timeout.Token);

        result.Succeeded.Should().BeFalse();
        var attempts = host.Logs.Records.Count(r => r.EventId.Id == 7007);
        attempts.Should().BeGreaterThan(1, "the router retries a transient failure");
        failures.Sum(m => m.HasTag(EmailTelemetry.ErrorTypeTag, "io")).Should().Be(attempts);
        failures.Sum().Should().Be(attempts);
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task TelemetryPage_ListsEveryEmailInstrumentWithItsTypeAndUnit()
    {
        var page = await TelemetryPage.ShouldListInstrumentsAsync(typeof(EmailTelemetry), "rapidsms.email.", async () =>
        {
            await using var servers = await MailServers.StartAsync();
            await using (await EmailHost.StartAsync(servers, services: s => s.AddMetrics()))
            {
            }
        });

        var section = string.Join("\n", page.SkipWhile(l => l != "## Email backend").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)));
        foreach (var kind in new[] { "transient", "permanent", "timeout", "tls", "io" })
        {
            section.Should().Contain($"`{kind}`", "the page explains every error.type");
        }
    }
}
