using System.ComponentModel.DataAnnotations;

namespace MyCompany.Sms;

/// <summary>Options of the file-drop backend, one set per backend name.</summary>
public sealed class FileDropOptions
{
    /// <summary>The folder incoming messages are dropped into. Required.</summary>
    [Required]
    public string InboxPath { get; set; } = "";

    /// <summary>The folder outgoing messages are written to. Required.</summary>
    [Required]
    public string OutboxPath { get; set; } = "";

    /// <summary>How long to wait before looking at the inbox again once it is empty. Defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
