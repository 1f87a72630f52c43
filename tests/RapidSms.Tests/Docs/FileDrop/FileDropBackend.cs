using Microsoft.Extensions.Logging;
using RapidSms;

namespace MyCompany.Sms;

/// <summary>
/// Exchanges messages as text files. A file dropped into the inbox is an incoming message; every
/// outgoing message is written to the outbox, one file per recipient. A file holds the identity on
/// its first line and the text on the lines after it, in UTF-8.
/// </summary>
/// <remarks>
/// Writers create <c>NAME.tmp</c> and rename it to <c>NAME.txt</c> when it is complete, so a reader
/// never sees half a message. Inbox files are read in ordinal order of their names.
/// </remarks>
[BackendEngine("filedrop")]
public sealed partial class FileDropBackend : BackendBase<FileDropOptions>
{
    private long _sequence;

    /// <summary>Creates the folders, so a new machine needs no set-up.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Options.InboxPath);
        Directory.CreateDirectory(Options.OutboxPath);
        return Task.CompletedTask;
    }

    /// <summary>The receive loop. The host restarts it with back-off if it throws.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var path in Directory.GetFiles(Options.InboxPath, "*.txt").Order(StringComparer.Ordinal))
            {
                if (!await ReceiveFileAsync(path, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }

            await Task.Delay(Options.PollInterval, TimeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes one file per recipient. A recipient that cannot be written to fails alone.</summary>
    public override async ValueTask<SendResult> SendAsync(
        OutgoingMessage message, IReadOnlyList<string> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identities);
        var results = new List<RecipientResult>(identities.Count);
        foreach (var identity in identities)
        {
            if (identity.Contains('\n', StringComparison.Ordinal) || identity.Contains('\r', StringComparison.Ordinal))
            {
                // Permanent: sending again cannot help.
                results.Add(RecipientResult.Failed(identity, "An identity cannot contain a line break."));
                continue;
            }

            // A sequence number, not the recipient's index: a retry must not overwrite a file already sent.
            var name = $"{message.Id}-{Interlocked.Increment(ref _sequence)}.txt";
            try
            {
                await WriteCompleteFileAsync(Path.Combine(Options.OutboxPath, name), $"{identity}\n{message.Text}", cancellationToken)
                    .ConfigureAwait(false);
                results.Add(RecipientResult.Sent(identity, backendMessageId: name));
            }
            catch (IOException ex)
            {
                // Transient: a full disk or a locked file may clear, so the router retries with back-off.
                results.Add(RecipientResult.Failed(identity, ex.Message, isTransient: true));
            }
        }

        return new SendResult(results);
    }

    /// <summary>Hands one file to the router; returns false when the router is shutting down.</summary>
    private async Task<bool> ReceiveFileAsync(string path, CancellationToken cancellationToken)
    {
        var content = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var lineBreak = content.IndexOf('\n', StringComparison.Ordinal);
        var identity = lineBreak < 0 ? "" : content[..lineBreak].Trim();
        if (identity.Length == 0)
        {
            // Bad input is never dropped in silence: set the file aside and say why.
            File.Move(path, path + ".rejected", overwrite: true);
            LogRejected(Logger, Name, Path.GetFileName(path));
            return true;
        }

        try
        {
            await ReceiveAsync(identity, content[(lineBreak + 1)..].TrimEnd('\r', '\n'), cancellationToken).ConfigureAwait(false);
        }
        catch (RouterClosedException)
        {
            // Keep the file: it is read again when the host next starts.
            return false;
        }

        // The router has the message (and has sent its replies): only now is the file removed. A
        // crash before this line means the message is read twice, never that it is lost.
        File.Delete(path);
        return true;
    }

    private static async Task WriteCompleteFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Backend {Backend} set {File} aside: its first line must be the sender's identity")]
    private static partial void LogRejected(ILogger logger, string backend, string file);
}
