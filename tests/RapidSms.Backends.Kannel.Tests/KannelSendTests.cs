using System.Net;
using System.Net.Sockets;
using System.Text;
using RapidSms.Backends.Kannel;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>What the backend does with sendsms answers a real Kannel would not give.</summary>
public sealed class KannelSendTests
{
    [Fact]
    public async Task SendSmsAnswerThatNeverEnds_OnlyItsStartIsRead_AndTheStatusDecides()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var server = EndlessAnswerAsync(listener, timeout.Token);
            await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid
                .ConfigureRouter(o => o.MaxSendAttempts = 1)
                .AddBackend("kannel", b => b.UseKannel(o =>
                {
                    o.SendSmsUrl = $"http://127.0.0.1:{port}/cgi-bin/sendsms";
                    o.Username = "rapidsms";
                    o.Password = "pa55";
                    o.SendTimeout = TimeSpan.FromSeconds(20);
                })));

            var result = await host.Router.SendAsync("hi", new Connection("kannel", "+256700000001"), timeout.Token);

            result.Recipients.Should().ContainSingle().Which.Succeeded.Should().BeTrue(
                "202 is success; the backend reads a bounded start of the answer instead of waiting for an end that never comes");
            await timeout.CancelAsync();
            await server;
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task SendSmsAnswerCutOff_ForOneOfSeveralRecipients_DecidedByItsStatus_OthersUnaffected()
    {
        await using var server = RawHttpServer.Start(line =>
            line.Contains("to=%2B256700000002", StringComparison.Ordinal) ? RawHttpServer.CutOff(202, "0: Acc")
            : line.Contains("to=%2B256700000003", StringComparison.Ordinal) ? RawHttpServer.CutOff(503, "Queue")
            : RawHttpServer.Complete(202, "0: Accepted for delivery"));
        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid
            .ConfigureRouter(o => o.MaxSendAttempts = 1)
            .AddBackend("kannel", b => b.UseKannel(o =>
            {
                o.SendSmsUrl = $"http://127.0.0.1:{server.Port}/cgi-bin/sendsms";
                o.Username = "rapidsms";
                o.Password = "pa55";
            })));
        var to = new[] { "+256700000001", "+256700000002", "+256700000003", "+256700000004" };

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage([.. to.Select(i => new Connection("kannel", i))], "hi"));

        // 202 arrived before the body broke off: Kannel has the message, sending it again would send it twice.
        result.Recipients.Select(r => (r.Identity, r.Succeeded)).Should().Equal(
            ("+256700000001", true), ("+256700000002", true), ("+256700000003", false), ("+256700000004", true));
        result.Recipients[2].IsTransient.Should().BeTrue();
        result.Recipients[2].Error.Should().StartWith("Kannel answered HTTP 503");
    }

    [Fact]
    public async Task SendSms503WithRetryAfter_FailsTransient_NamingTheWait()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var sink = await HttpSink.StartAsync();
        sink.Respond = (_, _) => (503, "Queue full");
        sink.ResponseHeaders["Retry-After"] = "30";
        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid
            .ConfigureRouter(o => o.MaxSendAttempts = 2)
            .AddBackend("kannel", b => b.UseKannel(o =>
            {
                o.SendSmsUrl = sink.Address + "cgi-bin/sendsms";
                o.Username = "rapidsms";
                o.Password = "pa55";
            })));

        var result = await host.Router.SendAsync("hi", new Connection("kannel", "+256700000001"), timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        failure.Error.Should().Be("Kannel answered HTTP 503: Queue full (the gateway asked to retry after 30 s)");
        sink.Count.Should().Be(2, "the router's back-off, not Retry-After, times the retry");
    }

    [Fact]
    public async Task SendSmsRequest_IsLoggedByTheHttpClientFactory_WithoutItsQuery()
    {
        await using var sink = await HttpSink.StartAsync();
        sink.Respond = (_, _) => (202, "0: Accepted for delivery");
        await using var host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("kannel", b => b.UseKannel(o =>
        {
            o.SendSmsUrl = sink.Address + "cgi-bin/sendsms";
            o.Username = "rapidsms";
            o.Password = "T0PSECRET-pa55";
            o.SharedSecret = "T0PSECRET-dlr";
            o.DeliveryReportUrl = "http://127.0.0.1:9/kannel";
        })));

        (await host.Router.SendAsync("hi", new Connection("kannel", "+256700000001"))).Succeeded.Should().BeTrue();

        (await sink.NextAsync(CancellationToken.None)).RawQuery.Should().Contain("T0PSECRET-pa55", "Kannel needs it");
        host.Logs.Records.Should().Contain(r => r.Category.StartsWith("System.Net.Http.HttpClient.RapidSms.Kannel", StringComparison.Ordinal)
            && r.Message.Contains("/cgi-bin/sendsms", StringComparison.Ordinal), "the factory's request log is on in this host");
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("T0PSECRET", StringComparison.Ordinal)
            || r.State.Any(p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!.Contains("T0PSECRET", StringComparison.Ordinal))
            || r.Scopes.Any(scope => Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture)!.Contains("T0PSECRET", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("SendSmsUrl", "ftp://rapidsms:T0PSECRET@127.0.0.1:13013/cgi-bin/sendsms", "'ftp://…@127.0.0.1:13013/cgi-bin/sendsms'")]
    [InlineData("DeliveryReportUrl", "10.0.0.5/kannel?secret=T0PSECRET", "'10.0.0.5/kannel?…'")]
    public async Task BadUrlOption_CarryingASecret_FailsWithoutShowingIt(string key, string value, string expected)
    {
        var act = async () => await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("kannel", b => b.UseKannel(o =>
        {
            o.Username = "rapidsms";
            o.Password = "pa55";
            typeof(KannelOptions).GetProperty(key)!.SetValue(o, value);
        })));

        var error = (await act.Should().ThrowAsync<BackendConfigurationException>()).Which;
        error.ToString().Should().Contain(expected).And.NotContain("T0PSECRET");
    }

    // Answers 202 with a chunked body of 32 MiB that then stays open, never finished.
    private static async Task EndlessAnswerAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            await stream.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), cancellationToken);
            var chunk = Encoding.ASCII.GetBytes($"{8192:X}\r\n{new string('0', 8192)}\r\n");
            for (var i = 0; i < 4096; i++)
            {
                await stream.WriteAsync(chunk, cancellationToken);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The backend closed the connection after reading what it needed.
        }
    }
}
