using Microsoft.Extensions.Configuration;
using MyCompany.Sms;

namespace RapidSms;

/// <summary>Chooses the file-drop engine for a backend.</summary>
public static class FileDropBackendBuilderExtensions
{
    /// <summary>Uses the file-drop backend with options set in code.</summary>
    public static IBackendBuilder UseFileDrop(this IBackendBuilder builder, Action<FileDropOptions>? configure = null) =>
        builder.Use<FileDropBackend, FileDropOptions>(configure);

    /// <summary>Uses the file-drop backend with options read from a configuration section.</summary>
    public static IBackendBuilder UseFileDrop(this IBackendBuilder builder, IConfiguration section) =>
        builder.Use<FileDropBackend, FileDropOptions>(section);
}
