using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace RapidSms;

/// <summary>An engine registered in code with <c>AddEngine</c>.</summary>
internal sealed record EngineDescriptor(string Name, Type BackendType, IReadOnlyList<string> Aliases);

/// <summary>Finds the backend class behind an engine name from configuration.</summary>
internal static class EngineCatalog
{
    private const string RapidSmsPrefix = "rapidsms.backends.";

    /// <summary>The engines this project ships, and the package each lives in.</summary>
    internal static readonly IReadOnlyDictionary<string, string> BuiltIn = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["bucket"] = "RapidSms.Backends.Bucket",
        ["email"] = "RapidSms.Backends.Email",
        ["gsm"] = "RapidSms.Backends.Gsm",
        ["http"] = "RapidSms.Backends.Http",
        ["irc"] = "RapidSms.Backends.Irc",
        ["kannel"] = "RapidSms.Backends.Kannel",
        ["smpp"] = "RapidSms.Backends.Smpp",
    };

    public static Type Resolve(IServiceCollection services, string backend, string engine)
    {
        var key = engine.Trim();

        // 1. Engines registered in code.
        var registered = Registered(services).ToList();
        if (Find(registered, key) is { } explicitType)
        {
            return explicitType;
        }

        // 2. Engines declared with [BackendEngine], in loaded assemblies or a built-in package.
        var shortName = ShortName(key);
        if (BuiltIn.TryGetValue(shortName, out var assemblyName))
        {
            TryLoad(assemblyName);
        }

        var declared = Declared().ToList();
        if (Find(declared, key) is { } declaredType)
        {
            return declaredType;
        }

        // 3. A type name.
        if (FindType(key) is { } type)
        {
            if (!typeof(BackendBase).IsAssignableFrom(type) || type.IsAbstract)
            {
                throw new BackendConfigurationException(
                    backend,
                    "Engine",
                    $"Backend '{backend}': engine '{engine}' is the type {type.FullName}, which is not a concrete subclass of RapidSms.BackendBase.");
            }

            return type;
        }

        // Before saying which engines exist, load every built-in package the application can reach, so the
        // list does not depend on which assemblies happened to be loaded already.
        foreach (var package in BuiltIn.Values)
        {
            TryLoad(package);
        }

        throw new BackendConfigurationException(backend, "Engine", UnknownEngine(backend, engine, registered.Concat(Declared())));
    }

    private static string UnknownEngine(string backend, string engine, IEnumerable<EngineDescriptor> known)
    {
        var available = known.Select(e => e.Name.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        var missing = BuiltIn.Keys.Where(k => !available.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            .Select(k => $"{k} (package {BuiltIn[k]})").ToList();
        var text = $"Backend '{backend}': unknown engine '{engine}'. Known engines: {(available.Count == 0 ? "none" : string.Join(", ", available))}.";
        if (missing.Count > 0)
        {
            text += $" Engines whose package this application does not reference: {string.Join(", ", missing)}.";
        }

        return text + " The RapidSMS form 'rapidsms.backends.NAME' and the full type name of a BackendBase subclass are accepted too.";
    }

    private static Type? Find(IEnumerable<EngineDescriptor> engines, string key)
    {
        var shortName = ShortName(key);
        foreach (var engine in engines)
        {
            if (Matches(engine.Name, key, shortName) || engine.Aliases.Any(a => Matches(a, key, shortName)))
            {
                return engine.BackendType;
            }
        }

        return null;
    }

    private static bool Matches(string name, string key, string shortName) =>
        string.Equals(name, key, StringComparison.OrdinalIgnoreCase) || string.Equals(name, shortName, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>rapidsms.backends.kannel</c> and <c>rapidsms.backends.kannel.KannelBackend</c> mean <c>kannel</c>.</summary>
    internal static string ShortName(string key)
    {
        if (!key.StartsWith(RapidSmsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return key;
        }

        var rest = key[RapidSmsPrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<EngineDescriptor> Registered(IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(EngineDescriptor) && d.ImplementationInstance is EngineDescriptor)
            .Select(d => (EngineDescriptor)d.ImplementationInstance!);

    private static IEnumerable<EngineDescriptor> Declared()
    {
        LoadApplicationReferences();
        var core = typeof(BackendBase).Assembly.GetName().Name;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || !(assembly == typeof(BackendBase).Assembly || assembly.GetReferencedAssemblies().Any(r => r.Name == core)))
            {
                continue;
            }

            Type[] types;
            try
            {
                types = assembly.GetExportedTypes();
            }
            catch (Exception ex) when (ex is ReflectionTypeLoadException or NotSupportedException or FileNotFoundException)
            {
                continue;
            }

            foreach (var type in types)
            {
                if (type.GetCustomAttribute<BackendEngineAttribute>() is { } attribute && typeof(BackendBase).IsAssignableFrom(type))
                {
                    yield return new EngineDescriptor(attribute.Name, type, attribute.Aliases);
                }
            }
        }
    }

    /// <summary>
    /// Loads the assemblies the application references directly, so an engine declared in the user's
    /// own library is found even before any of its types was used.
    /// </summary>
    private static void LoadApplicationReferences()
    {
        var entry = Assembly.GetEntryAssembly();
        if (entry is null)
        {
            return;
        }

        foreach (var reference in entry.GetReferencedAssemblies())
        {
            var name = reference.Name ?? string.Empty;
            if (name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft", StringComparison.Ordinal)
                || name is "netstandard" or "mscorlib")
            {
                continue;
            }

            TryLoad(reference.FullName);
        }
    }

    private static void TryLoad(string assemblyName)
    {
        try
        {
            Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            // Not referenced by this application: the error lists it as available in a package.
        }
    }

    private static Type? FindType(string name)
    {
        if (!name.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            if (Type.GetType(name, throwOnError: false, ignoreCase: false) is { } direct)
            {
                return direct;
            }
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }

        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!assembly.IsDynamic && assembly.GetType(name, throwOnError: false, ignoreCase: false) is { } type)
            {
                return type;
            }
        }

        return null;
    }
}
