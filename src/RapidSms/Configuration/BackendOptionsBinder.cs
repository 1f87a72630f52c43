using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace RapidSms;

/// <summary>
/// Turns one backend's configuration section into an options binding, checking keys and values
/// first so that a typo or a bad value names the backend, the key and what was expected.
/// </summary>
internal static class BackendOptionsBinder
{
    public const string EngineKey = "Engine";

    /// <summary>
    /// Returns the section's option keys (all but <see cref="EngineKey"/>), normalised so RapidSMS's
    /// <c>SENDSMS_URL</c> style binds <c>SendSmsUrl</c>, after checking each against <paramref name="optionsType"/>.
    /// </summary>
    public static IConfiguration Prepare(string backend, string engine, IConfigurationSection section, Type? optionsType)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var properties = optionsType is null
            ? new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase)
            : Bindable(optionsType).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (string.Equals(child.Key, EngineKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = Normalize(child.Key);
            if (!properties.TryGetValue(key, out var property))
            {
                var known = properties.Count == 0
                    ? $"Engine '{engine}' takes no options."
                    : $"Known options: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.";
                throw new BackendConfigurationException(
                    backend,
                    child.Key,
                    $"Backend '{backend}' (engine '{engine}'): unknown option '{child.Key}'. {known}");
            }

            if (seen.TryGetValue(key, out var earlier))
            {
                throw new BackendConfigurationException(
                    backend,
                    child.Key,
                    $"Backend '{backend}' (engine '{engine}'): option '{property.Name}' is given twice, as '{earlier}' and as '{child.Key}'; keep one.");
            }

            seen.Add(key, child.Key);

            if (child.Value is not null)
            {
                CheckScalar(backend, engine, child.Key, child.Value, property.PropertyType);

                // AsEnumerable(makePathsRelative: true) below leaves out the section's own value.
                values[key] = child.Value;
            }
            else if (child.GetChildren().Any() && IsScalar(property.PropertyType))
            {
                throw new BackendConfigurationException(
                    backend,
                    child.Key,
                    $"Backend '{backend}' (engine '{engine}'): option '{child.Key}' takes a single value ({Describe(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)}), not a section.");
            }

            // Descendants only: with relative paths the section itself is not listed.
            foreach (var pair in child.AsEnumerable(makePathsRelative: true))
            {
                if (!string.IsNullOrEmpty(pair.Key))
                {
                    values[key + ConfigurationPath.KeyDelimiter + NormalizePath(pair.Key)] = pair.Value;
                }
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    private static string NormalizePath(string path) =>
        string.Join(ConfigurationPath.KeyDelimiter, path.Split(ConfigurationPath.KeyDelimiter).Select(Normalize));

    private static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || IsCollection(p.PropertyType)));

    private static bool IsScalar(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal)
            || target == typeof(TimeSpan) || target == typeof(Uri) || target == typeof(DateTimeOffset) || target == typeof(DateTime);
    }

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static void CheckScalar(string backend, string engine, string key, string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string) || target == typeof(object))
        {
            return;
        }

        if (IsCollection(target))
        {
            if (value.Length == 0)
            {
                return;
            }

            throw new BackendConfigurationException(
                backend,
                key,
                $"Backend '{backend}' (engine '{engine}'): option '{key}' is a list; give it as an array, such as \"{key}\": [ \"{value}\" ].");
        }

        if (target.IsEnum)
        {
            if (!Enum.TryParse(target, value, ignoreCase: true, out _))
            {
                throw new BackendConfigurationException(
                    backend,
                    key,
                    $"Backend '{backend}' (engine '{engine}'): option '{key}' has value '{value}'; expected one of {string.Join(", ", Enum.GetNames(target))}.");
            }

            return;
        }

        var converter = TypeDescriptor.GetConverter(target);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            throw new BackendConfigurationException(
                backend,
                key,
                $"Backend '{backend}' (engine '{engine}'): option '{key}' is a section ({target.Name}), not a single value.");
        }

        try
        {
            converter.ConvertFromString(null, CultureInfo.InvariantCulture, value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException || ex.InnerException is FormatException or OverflowException)
        {
            throw new BackendConfigurationException(
                backend,
                key,
                $"Backend '{backend}' (engine '{engine}'): option '{key}' has value '{value}'; expected {Describe(target)}.",
                ex);
        }
    }

    private static string Describe(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "true or false",
        TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64
            => $"a whole number ({type.Name})",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => $"a number ({type.Name})",
        _ when type == typeof(TimeSpan) => "a time span such as 00:00:30",
        _ when type == typeof(Uri) => "an absolute URI",
        _ => $"a value convertible to {type.Name}",
    };
}
