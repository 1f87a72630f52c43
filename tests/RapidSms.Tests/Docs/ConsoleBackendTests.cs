using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MyCompany.Sms;

namespace RapidSms.Tests.Docs;

/// <summary>Tests redirect the process's console, so they do not run beside other tests.</summary>
[CollectionDefinition(nameof(ConsoleRedirection), DisableParallelization = true)]
public sealed class ConsoleRedirection;

/// <summary>The smallest backend of docs/writing-a-backend.md, run in a real host.</summary>
[Collection(nameof(ConsoleRedirection))]
public sealed class ConsoleBackendTests
{
    /// <summary>A console output that signals each line written.</summary>
    private sealed class SignallingWriter : StringWriter
    {
        private readonly TaskCompletionSource _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstLine => _line.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            _line.TrySetResult();
        }
    }

    [Fact]
    public async Task ConsoleBackend_LineIn_ReplyOut_AndStopsWhenAsked()
    {
        var input = Console.In;
        var output = Console.Out;
        var writer = new SignallingWriter();
        try
        {
            // stdin stays open (no end of input), as at a terminal: the loop must still stop with the host.
            var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
            using var pipeClient = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, pipe.ClientSafePipeHandle);
            await using var stdin = new StreamWriter(pipe) { AutoFlush = true };
            Console.SetIn(new StreamReader(pipeClient));
            Console.SetOut(writer);

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddRapidSms(rapid => rapid
                .AddHandler<PingHandler>()
                .AddBackend("console", b => b.Use<ConsoleBackend>()));
            using var host = builder.Build();
            await host.StartAsync();

            await stdin.WriteLineAsync("+256700000001: ping");
            await writer.FirstLine.WaitAsync(TimeSpan.FromSeconds(30));
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

            writer.ToString().Should().Be($"+256700000001 < pong{Environment.NewLine}");
        }
        finally
        {
            Console.SetIn(input);
            Console.SetOut(output);
        }
    }
}
