using System.Collections.ObjectModel;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace RapidSms.Tests.Shared;

/// <summary>
/// Renders the public surface of an assembly as text, one line per type and per member, sorted,
/// and compares it with the approved <c>src/&lt;Package&gt;/PublicAPI.txt</c>.
/// </summary>
/// <remarks>
/// <para>What is rendered: every type a user outside the assembly can see (public, and protected
/// nested types of public types), sorted by full name, with its kind, modifiers, base type,
/// interfaces, generic constraints and attributes that change how it is used; below it every
/// public and protected member, with parameter names, types, nullability and default values,
/// accessors (<c>get</c>, <c>set</c>, <c>init</c>), constant and enum values.</para>
/// <para>Linked into each test project of a shipped package; its <c>PublicApiTests</c> calls
/// <see cref="Verify"/>.</para>
/// </remarks>
internal static class PublicApiGenerator
{
    /// <summary>Set to <c>1</c> to accept the current API: <see cref="Verify"/> overwrites PublicAPI.txt.</summary>
    public const string AcceptVariable = "RAPIDSMS_ACCEPT_API";

    private const string Indent = "    ";
    private const int MaxDiffLines = 200;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void",
        [typeof(object)] = "object",
        [typeof(string)] = "string",
        [typeof(bool)] = "bool",
        [typeof(char)] = "char",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
    };

    private static readonly Dictionary<string, string> Operators = new(StringComparer.Ordinal)
    {
        ["op_Addition"] = "+",
        ["op_Subtraction"] = "-",
        ["op_Multiply"] = "*",
        ["op_Division"] = "/",
        ["op_Modulus"] = "%",
        ["op_BitwiseAnd"] = "&",
        ["op_BitwiseOr"] = "|",
        ["op_ExclusiveOr"] = "^",
        ["op_LeftShift"] = "<<",
        ["op_RightShift"] = ">>",
        ["op_UnsignedRightShift"] = ">>>",
        ["op_Equality"] = "==",
        ["op_Inequality"] = "!=",
        ["op_LessThan"] = "<",
        ["op_GreaterThan"] = ">",
        ["op_LessThanOrEqual"] = "<=",
        ["op_GreaterThanOrEqual"] = ">=",
        ["op_UnaryNegation"] = "-",
        ["op_UnaryPlus"] = "+",
        ["op_LogicalNot"] = "!",
        ["op_OnesComplement"] = "~",
        ["op_Increment"] = "++",
        ["op_Decrement"] = "--",
        ["op_True"] = "true",
        ["op_False"] = "false",
    };

    // Attributes that change how a type or member is used. Compiler bookkeeping (Nullable,
    // CompilerGenerated, IsReadOnly, Extension…) is rendered as C# syntax or left out.
    private static readonly HashSet<string> KnownAttributes = new(StringComparer.Ordinal)
    {
        "System.AttributeUsageAttribute",
        "System.FlagsAttribute",
        "System.ObsoleteAttribute",
        "System.ComponentModel.EditorBrowsableAttribute",
        "System.Runtime.CompilerServices.CallerArgumentExpressionAttribute",
        "System.Runtime.CompilerServices.CallerFilePathAttribute",
        "System.Runtime.CompilerServices.CallerLineNumberAttribute",
        "System.Runtime.CompilerServices.CallerMemberNameAttribute",
        "System.Runtime.CompilerServices.EnumeratorCancellationAttribute",
        "System.Runtime.CompilerServices.ModuleInitializerAttribute",
    };

    private static readonly HashSet<string> KnownAttributeNamespaces = new(StringComparer.Ordinal)
    {
        "System.Diagnostics.CodeAnalysis",          // NotNullWhen, SetsRequiredMembers, Experimental…
        "System.ComponentModel.DataAnnotations",    // validation rules of options classes
    };

    private static readonly HashSet<string> IgnoredAttributes = new(StringComparer.Ordinal)
    {
        "System.Diagnostics.CodeAnalysis.ExcludeFromCodeCoverageAttribute",
        "System.Diagnostics.CodeAnalysis.SuppressMessageAttribute",
        "System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessageAttribute",
    };

    /// <summary>Renders the public API of <paramref name="assembly"/>.</summary>
    public static string Render(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var types = assembly.GetTypes()
            .Where(IsVisible)
            .Select(t => (Name: FullName(t), Type: t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var text = new StringBuilder();
        text.Append("// Public API of ").Append(assembly.GetName().Name)
            .Append(". Checked by PublicApiTests; accept a change with ").Append(AcceptVariable).Append("=1.\n");
        foreach (var (_, type) in types)
        {
            text.Append('\n');
            foreach (var line in RenderType(type))
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Renders one type: its declaration, then its members indented, sorted.</summary>
    public static IReadOnlyList<string> RenderType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var lines = new List<string> { TypeDeclaration(type) };
        if (IsDelegate(type))
        {
            return lines;
        }

        var members = new List<(int Rank, string Name, string Text)>();
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
            BindingFlags.Instance | BindingFlags.Static;

        if (type.IsEnum)
        {
            var underlying = Enum.GetUnderlyingType(type);
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var value = Convert.ChangeType(field.GetRawConstantValue(), underlying, CultureInfo.InvariantCulture)!;
                members.Add((0, EnumSortKey(value), $"{Attributes(field.CustomAttributes)}{field.Name} = {Literal(value)}"));
            }
        }
        else
        {
            foreach (var field in type.GetFields(Declared).Where(f => IsVisible(f.Attributes & FieldAttributes.FieldAccessMask) && !f.IsSpecialName))
            {
                members.Add((1, field.Name, FieldDeclaration(field)));
            }

            foreach (var constructor in type.GetConstructors(Declared).Where(c => IsVisible(c) && !c.IsStatic))
            {
                members.Add((2, string.Empty, ConstructorDeclaration(type, constructor)));
            }

            foreach (var property in type.GetProperties(Declared))
            {
                if (PropertyDeclaration(property) is { } text)
                {
                    members.Add((3, property.Name, text));
                }
            }

            foreach (var @event in type.GetEvents(Declared))
            {
                if (@event.AddMethod is { } add && IsVisible(add))
                {
                    members.Add((4, @event.Name, EventDeclaration(@event, add)));
                }
            }

            foreach (var method in type.GetMethods(Declared).Where(IsVisible))
            {
                if (method.IsSpecialName && !method.Name.StartsWith("op_", StringComparison.Ordinal))
                {
                    continue; // accessors, rendered with their property or event
                }

                if (method.Name.Contains('<', StringComparison.Ordinal))
                {
                    continue; // compiler-generated, such as a record's <Clone>$
                }

                var isOperator = method.IsSpecialName;
                members.Add((isOperator ? 6 : 5, method.Name, MethodDeclaration(method)));
            }
        }

        lines.AddRange(members
            .OrderBy(m => m.Rank)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Text, StringComparer.Ordinal)
            .Select(m => Indent + m.Text));
        return lines;
    }

    /// <summary>
    /// Compares the API of the assembly named <paramref name="assemblyName"/> with
    /// <c>src/&lt;assemblyName&gt;/PublicAPI.txt</c>.
    /// </summary>
    /// <returns><see langword="null"/> when they match (or the change was accepted); otherwise a message with the difference.</returns>
    public static string? Verify(string assemblyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyName);
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        var folder = Path.Combine(FindRepositoryRoot(), "src", assemblyName);
        var approvedPath = Path.Combine(folder, "PublicAPI.txt");
        var receivedPath = Path.Combine(folder, "PublicAPI.received.txt");
        var relativeApproved = $"src/{assemblyName}/PublicAPI.txt";
        var relativeReceived = $"src/{assemblyName}/PublicAPI.received.txt";

        var received = Render(assembly);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (string.Equals(approved, received, StringComparison.Ordinal))
        {
            File.Delete(receivedPath);
            return null;
        }

        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!onCi && Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(approvedPath, received);
            File.Delete(receivedPath);
            return null;
        }

        File.WriteAllText(receivedPath, received);
        var message = new StringBuilder();
        if (approved is null)
        {
            message.Append(CultureInfo.InvariantCulture, $"{relativeApproved} does not exist yet.\n");
        }
        else
        {
            message.Append(CultureInfo.InvariantCulture, $"The public API of {assemblyName} differs from {relativeApproved} (+ added, - removed):\n");
            message.Append(Diff(approved, received));
        }

        message.Append(CultureInfo.InvariantCulture, $"The current API was written to {relativeReceived}.\n");
        message.Append(CultureInfo.InvariantCulture, $"If the change is intended, accept it by setting {AcceptVariable}=1 and running the tests again, e.g.\n");
        message.Append(CultureInfo.InvariantCulture, $"  {AcceptVariable}=1 dotnet test RapidSms.sln --filter PublicApiTests\n");
        message.Append(CultureInfo.InvariantCulture, $"then review and commit {relativeApproved}.");
        if (onCi)
        {
            message.Append(CultureInfo.InvariantCulture, $" ({AcceptVariable} is ignored when CI=true.)");
        }

        return message.ToString();
    }

    /// <summary>
    /// A line diff of two renderings: added lines with <c>+</c>, removed lines with <c>-</c>, each
    /// change under the declaration of the type it belongs to.
    /// </summary>
    public static string Diff(string approved, string received)
    {
        var before = SplitLines(approved);
        var after = SplitLines(received);

        // Only the middle that differs needs the quadratic longest-common-subsequence table.
        var prefix = 0;
        while (prefix < before.Length && prefix < after.Length && before[prefix] == after[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < before.Length - prefix && suffix < after.Length - prefix &&
               before[before.Length - 1 - suffix] == after[after.Length - 1 - suffix])
        {
            suffix++;
        }

        var n = before.Length - prefix - suffix;
        var m = after.Length - prefix - suffix;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = before[prefix + i] == after[prefix + j]
                    ? lcs[i + 1, j + 1] + 1
                    : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        var written = 0;
        var changes = 0;
        string? shownHeader = null;
        var headerBefore = HeaderAt(before, prefix);
        var headerAfter = HeaderAt(after, prefix);

        void Emit(char sign, string line, string? header)
        {
            changes++;
            if (written >= MaxDiffLines)
            {
                return;
            }

            if (line.StartsWith(Indent, StringComparison.Ordinal) && header is not null && header != shownHeader)
            {
                output.Append("  ").Append(header).Append('\n');
                shownHeader = header;
                written++;
            }

            output.Append(sign).Append(' ').Append(line).Append('\n');
            written++;
            if (!line.StartsWith(Indent, StringComparison.Ordinal))
            {
                shownHeader = line;
            }
        }

        for (int i = 0, j = 0; i < n || j < m;)
        {
            if (i < n && j < m && before[prefix + i] == after[prefix + j])
            {
                UpdateHeader(before[prefix + i], ref headerBefore);
                UpdateHeader(after[prefix + j], ref headerAfter);
                i++;
                j++;
            }
            else if (i < n && (j == m || lcs[i + 1, j] >= lcs[i, j + 1]))
            {
                var line = before[prefix + i];
                UpdateHeader(line, ref headerBefore);
                Emit('-', line, headerBefore);
                i++;
            }
            else
            {
                var line = after[prefix + j];
                UpdateHeader(line, ref headerAfter);
                Emit('+', line, headerAfter);
                j++;
            }
        }

        if (changes > written)
        {
            output.Append(CultureInfo.InvariantCulture, $"… and more; see the received file.\n");
        }

        return output.ToString();

        static void UpdateHeader(string line, ref string? header)
        {
            if (line.Length > 0 && !line.StartsWith(Indent, StringComparison.Ordinal) && !line.StartsWith("//", StringComparison.Ordinal))
            {
                header = line;
            }
        }

        static string? HeaderAt(string[] lines, int end)
        {
            string? header = null;
            for (var k = 0; k < end; k++)
            {
                UpdateHeader(lines[k], ref header);
            }

            return header;
        }
    }

    /// <summary>The folder holding RapidSms.sln, found by walking up from the test assembly.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RapidSms.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"RapidSms.sln was not found above {AppContext.BaseDirectory}.");
    }

    private static string[] SplitLines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');

    // ---- visibility --------------------------------------------------------------------------

    private static bool IsVisible(Type type)
    {
        if (type.Name.Contains('<', StringComparison.Ordinal))
        {
            return false;
        }

        if (!type.IsNested)
        {
            return type.IsPublic;
        }

        return (type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamORAssem) && IsVisible(type.DeclaringType!);
    }

    private static bool IsVisible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static bool IsVisible(FieldAttributes access) =>
        access is FieldAttributes.Public or FieldAttributes.Family or FieldAttributes.FamORAssem;

    private static string Access(MethodBase method) => method.IsPublic ? "public" : "protected";

    private static string Access(FieldInfo field) => field.IsPublic ? "public" : "protected";

    // ---- declarations ------------------------------------------------------------------------

    private static string TypeDeclaration(Type type)
    {
        var text = new StringBuilder();
        text.Append(Attributes(type.CustomAttributes));
        text.Append(type.IsPublic || type.IsNestedPublic ? "public " : "protected ");

        if (IsDelegate(type))
        {
            var invoke = type.GetMethod("Invoke")!;
            text.Append("delegate ").Append(ReturnType(invoke)).Append(' ')
                .Append(FullName(type, withVariance: true)).Append('(').Append(Parameters(invoke)).Append(')')
                .Append(Constraints(type.GetGenericArguments().Where(a => a.DeclaringType == type && a.DeclaringMethod is null)));
            return text.ToString();
        }

        if (type.IsEnum)
        {
            text.Append("enum ").Append(FullName(type));
            var underlying = Enum.GetUnderlyingType(type);
            if (underlying != typeof(int))
            {
                text.Append(" : ").Append(TypeName(underlying));
            }

            return text.ToString();
        }

        if (type.IsInterface)
        {
            text.Append("interface ");
        }
        else if (type.IsValueType)
        {
            if (HasAttribute(type, "System.Runtime.CompilerServices.IsReadOnlyAttribute"))
            {
                text.Append("readonly ");
            }

            if (type.IsByRefLike)
            {
                text.Append("ref ");
            }

            text.Append(IsRecord(type) ? "record struct " : "struct ");
        }
        else
        {
            if (type.IsAbstract && type.IsSealed)
            {
                text.Append("static ");
            }
            else if (type.IsAbstract)
            {
                text.Append("abstract ");
            }
            else if (type.IsSealed)
            {
                text.Append("sealed ");
            }

            text.Append(IsRecord(type) ? "record " : "class ");
        }

        text.Append(FullName(type, withVariance: true));

        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            // A [Nullable] on a type declaration describes its base type.
            bases.Add(TypeName(baseType, NullableFlags.Of(type.CustomAttributes, type)));
        }

        var inherited = type.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(type.GetInterfaces()
            .Where(i => IsVisible(i) && !inherited.Contains(i))
            .Select(i => TypeName(i))
            .Order(StringComparer.Ordinal));
        if (bases.Count > 0)
        {
            text.Append(" : ").AppendJoin(", ", bases);
        }

        // Nested types also list their declaring type's parameters; only their own are declared here.
        var own = type.GetGenericArguments().Skip(type.DeclaringType?.GetGenericArguments().Length ?? 0);
        text.Append(Constraints(own));
        return text.ToString();
    }

    private static string FieldDeclaration(FieldInfo field)
    {
        var text = new StringBuilder();
        text.Append(Attributes(field.CustomAttributes)).Append(Access(field)).Append(' ');
        if (field.IsLiteral)
        {
            text.Append("const ");
        }
        else
        {
            if (field.IsStatic)
            {
                text.Append("static ");
            }

            if (field.IsInitOnly)
            {
                text.Append("readonly ");
            }

            if (HasAttribute(field, "System.Runtime.CompilerServices.RequiredMemberAttribute"))
            {
                text.Append("required ");
            }
        }

        text.Append(TypeName(field.FieldType, NullableFlags.Of(field.CustomAttributes, field.DeclaringType))).Append(' ').Append(field.Name);
        if (field.IsLiteral)
        {
            text.Append(" = ").Append(Literal(field.GetRawConstantValue(), field.FieldType));
        }

        return text.ToString();
    }

    private static string ConstructorDeclaration(Type type, ConstructorInfo constructor) =>
        $"{Attributes(constructor.CustomAttributes)}{Access(constructor)} {SimpleName(type)}({Parameters(constructor)})";

    private static string? PropertyDeclaration(PropertyInfo property)
    {
        var getter = property.GetMethod is { } g && IsVisible(g) ? g : null;
        var setter = property.SetMethod is { } s && IsVisible(s) ? s : null;
        if (getter is null && setter is null)
        {
            return null;
        }

        var main = getter is not null && (setter is null || getter.IsPublic || !setter.IsPublic) ? getter : setter!;
        var access = Access(main);
        var text = new StringBuilder();
        text.Append(Attributes(property.CustomAttributes)).Append(access).Append(' ').Append(Modifiers(main));
        if (HasAttribute(property, "System.Runtime.CompilerServices.RequiredMemberAttribute"))
        {
            text.Append("required ");
        }

        text.Append(TypeName(property.PropertyType, NullableFlags.Of(property.CustomAttributes, property.DeclaringType))).Append(' ');
        var index = property.GetIndexParameters();
        if (index.Length > 0)
        {
            text.Append("this[").Append(string.Join(", ", index.Select(p => Parameter(p, isExtension: false)))).Append(']');
        }
        else
        {
            text.Append(property.Name);
        }

        text.Append(" {");
        if (getter is not null)
        {
            text.Append(' ').Append(Accessor(getter, access, "get"));
        }

        if (setter is not null)
        {
            var isInit = setter.ReturnParameter.GetRequiredCustomModifiers()
                .Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            text.Append(' ').Append(Accessor(setter, access, isInit ? "init" : "set"));
        }

        return text.Append(" }").ToString();

        static string Accessor(MethodInfo accessor, string propertyAccess, string keyword) =>
            Access(accessor) == propertyAccess ? keyword + ";" : $"{Access(accessor)} {keyword};";
    }

    private static string EventDeclaration(EventInfo @event, MethodInfo add)
    {
        return $"{Attributes(@event.CustomAttributes)}{Access(add)} {Modifiers(add)}event " +
            $"{TypeName(@event.EventHandlerType!, NullableFlags.Of(@event.CustomAttributes, @event.DeclaringType))} {@event.Name}";
    }

    private static string MethodDeclaration(MethodInfo method)
    {
        var text = new StringBuilder();
        text.Append(Attributes(method.CustomAttributes));
        text.Append(Attributes(method.ReturnParameter.CustomAttributes, "return: "));
        text.Append(Access(method)).Append(' ').Append(Modifiers(method));

        var returnType = ReturnType(method);
        if (method.Name is "op_Implicit" or "op_Explicit")
        {
            text.Append(method.Name == "op_Implicit" ? "implicit" : "explicit").Append(" operator ").Append(returnType);
        }
        else if (method.IsSpecialName && Operators.TryGetValue(method.Name, out var symbol))
        {
            text.Append(returnType).Append(" operator ").Append(symbol);
        }
        else
        {
            text.Append(returnType).Append(' ').Append(method.Name);
        }

        var generic = method.IsGenericMethodDefinition ? method.GetGenericArguments() : [];
        if (generic.Length > 0)
        {
            text.Append('<').AppendJoin(", ", generic.Select(a => a.Name)).Append('>');
        }

        text.Append('(').Append(Parameters(method)).Append(')');
        text.Append(Constraints(generic));
        return text.ToString();
    }

    private static string Modifiers(MethodInfo method)
    {
        if (method.DeclaringType!.IsInterface)
        {
            if (!method.IsStatic)
            {
                return string.Empty;
            }

            return method.IsAbstract ? "static abstract " : method.IsVirtual ? "static virtual " : "static ";
        }

        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.IsAbstract)
        {
            return method.GetBaseDefinition().DeclaringType != method.DeclaringType ? "abstract override " : "abstract ";
        }

        if (!method.IsVirtual)
        {
            return string.Empty;
        }

        var isOverride = method.GetBaseDefinition().DeclaringType != method.DeclaringType;
        if (method.IsFinal)
        {
            // A final method that overrides nothing implements an interface: not virtual in C#.
            return isOverride ? "sealed override " : string.Empty;
        }

        return isOverride ? "override " : "virtual ";
    }

    private static string ReturnType(MethodInfo method)
    {
        var type = method.ReturnType;
        var prefix = string.Empty;
        if (type.IsByRef)
        {
            prefix = HasAttribute(method.ReturnParameter, "System.Runtime.CompilerServices.IsReadOnlyAttribute") ? "ref readonly " : "ref ";
        }

        return prefix + TypeName(type, NullableFlags.Of(method.ReturnParameter.CustomAttributes, method));
    }

    private static string Parameters(MethodBase method)
    {
        var isExtension = method.IsStatic && HasAttribute(method, "System.Runtime.CompilerServices.ExtensionAttribute");
        return string.Join(", ", method.GetParameters().Select(p => Parameter(p, isExtension && p.Position == 0)));
    }

    private static string Parameter(ParameterInfo parameter, bool isExtension)
    {
        var text = new StringBuilder();
        text.Append(Attributes(parameter.CustomAttributes));
        if (isExtension)
        {
            text.Append("this ");
        }

        if (HasAttribute(parameter, "System.ParamArrayAttribute") || HasAttribute(parameter, "System.Runtime.CompilerServices.ParamCollectionAttribute"))
        {
            text.Append("params ");
        }

        if (HasAttribute(parameter, "System.Runtime.CompilerServices.ScopedRefAttribute"))
        {
            text.Append("scoped ");
        }

        var type = parameter.ParameterType;
        if (type.IsByRef)
        {
            if (parameter.IsOut)
            {
                text.Append("out ");
            }
            else if (HasAttribute(parameter, "System.Runtime.CompilerServices.RequiresLocationAttribute"))
            {
                text.Append("ref readonly ");
            }
            else if (parameter.IsIn)
            {
                text.Append("in ");
            }
            else
            {
                text.Append("ref ");
            }
        }

        text.Append(TypeName(type, NullableFlags.Of(parameter.CustomAttributes, parameter.Member))).Append(' ').Append(parameter.Name);
        if (parameter.HasDefaultValue)
        {
            text.Append(" = ").Append(DefaultValue(parameter));
        }

        return text.ToString();
    }

    private static string DefaultValue(ParameterInfo parameter)
    {
        var type = parameter.ParameterType.IsByRef ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
        var value = parameter.DefaultValue;
        if (value is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : "null";
        }

        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (enumType.IsEnum && !value.GetType().IsEnum)
        {
            value = Enum.ToObject(enumType, value);
        }

        return Literal(value, type);
    }

    private static string Constraints(IEnumerable<Type> parameters)
    {
        var text = new StringBuilder();
        foreach (var parameter in parameters)
        {
            var constraints = new List<string>();
            var attributes = parameter.GenericParameterAttributes;
            var nullable = NullableFlag(parameter);
            var isStruct = (attributes & GenericParameterAttributes.NotNullableValueTypeConstraint) != 0;
            if ((attributes & GenericParameterAttributes.ReferenceTypeConstraint) != 0)
            {
                constraints.Add(nullable == 2 ? "class?" : "class");
            }
            else if (isStruct)
            {
                constraints.Add(HasAttribute(parameter, "System.Runtime.CompilerServices.IsUnmanagedAttribute") ? "unmanaged" : "struct");
            }

            var types = parameter.GetGenericParameterConstraints()
                .Where(c => !(isStruct && c == typeof(ValueType)))
                .Select(c => TypeName(c))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (constraints.Count == 0 && types.Count == 0 && nullable == 1)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(types);
            if ((attributes & GenericParameterAttributes.DefaultConstructorConstraint) != 0 && !isStruct)
            {
                constraints.Add("new()");
            }

            if (((int)attributes & 0x20) != 0) // GenericParameterAttributes.AllowByRefLike
            {
                constraints.Add("allows ref struct");
            }

            if (constraints.Count > 0)
            {
                text.Append(" where ").Append(parameter.Name).Append(" : ").AppendJoin(", ", constraints);
            }
        }

        return text.ToString();
    }

    // The nullable annotation of a generic parameter itself: 1 for notnull or class, 2 for class?.
    private static byte NullableFlag(Type parameter) =>
        NullableFlags.Of(parameter.CustomAttributes, parameter.DeclaringMethod ?? (MemberInfo?)parameter.DeclaringType).Next();

    // ---- names -------------------------------------------------------------------------------

    private static string FullName(Type type, bool withVariance = false)
    {
        var prefix = type.IsNested ? FullName(type.DeclaringType!) + "." : type.Namespace is { Length: > 0 } ns ? ns + "." : string.Empty;
        var own = type.GetGenericArguments().Skip(type.DeclaringType?.GetGenericArguments().Length ?? 0).ToArray();
        return prefix + StripArity(type.Name) + (own.Length == 0 ? string.Empty : "<" + string.Join(", ", own.Select(a => withVariance ? Variance(a) + a.Name : a.Name)) + ">");

        static string Variance(Type parameter) => (parameter.GenericParameterAttributes & GenericParameterAttributes.VarianceMask) switch
        {
            GenericParameterAttributes.Covariant => "out ",
            GenericParameterAttributes.Contravariant => "in ",
            _ => string.Empty,
        };
    }

    private static string SimpleName(Type type) => StripArity(type.Name);

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    // Walks the type in the order the compiler wrote its [Nullable] flags (see NullableFlags).
    private static string TypeName(Type type, NullableFlags? flags = null)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!, flags);
        }

        if (type.IsPointer)
        {
            return TypeName(type.GetElementType()!, flags) + "*";
        }

        var mark = string.Empty;
        var nullableValue = false;
        if (type.IsValueType)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                type = underlying;
                nullableValue = true;
            }

            if (type.IsGenericType)
            {
                flags?.Next();
            }
        }
        else if (flags?.Next() == NullableFlags.Annotated)
        {
            mark = "?";
        }

        var name = type switch
        {
            { IsGenericParameter: true } => type.Name,
            { IsArray: true } => TypeName(type.GetElementType()!, flags) + "[" + new string(',', type.GetArrayRank() - 1) + "]",
            _ when Keywords.TryGetValue(type, out var keyword) => keyword,
            { IsGenericType: false } => FullName(type),
            _ => GenericTypeName(type, flags),
        };

        return name + (nullableValue ? "?" : mark);
    }

    private static string GenericTypeName(Type type, NullableFlags? flags)
    {
        var arguments = type.GetGenericArguments().Select(a => TypeName(a, flags)).ToArray();
        var definition = type.GetGenericTypeDefinition();
        if (definition.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && arguments.Length < 8)
        {
            return "(" + string.Join(", ", arguments) + ")";
        }

        // Outer<A>.Inner<B>: hand each type in the nesting chain its own share of the arguments.
        var chain = new List<Type>();
        for (var t = definition; t is not null; t = t.DeclaringType)
        {
            chain.Insert(0, t);
        }

        var name = new StringBuilder(chain[0].Namespace is { Length: > 0 } ns ? ns + "." : string.Empty);
        var used = 0;
        for (var k = 0; k < chain.Count; k++)
        {
            if (k > 0)
            {
                name.Append('.');
            }

            name.Append(StripArity(chain[k].Name));
            var count = chain[k].GetGenericArguments().Length - used;
            if (count > 0)
            {
                name.Append('<').AppendJoin(", ", arguments.Skip(used).Take(count)).Append('>');
                used += count;
            }
        }

        return name.ToString();
    }

    // ---- attributes and literals -------------------------------------------------------------

    private static string Attributes(IEnumerable<CustomAttributeData> attributes, string target = "")
    {
        var list = attributes as IList<CustomAttributeData> ?? attributes.ToList();

        // The compiler marks constructors of types with required members, and ref structs, obsolete
        // for old compilers; that is bookkeeping, not a deprecation.
        var compilerFeature = list.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerFeatureRequiredAttribute");
        var rendered = list
            .Where(a => Matters(a.AttributeType) && !(compilerFeature && a.AttributeType == typeof(ObsoleteAttribute)))
            .Select(Attribute)
            .Order(StringComparer.Ordinal)
            .ToList();
        return rendered.Count == 0 ? string.Empty : string.Concat(rendered.Select(a => $"[{target}{a}] "));
    }

    private static bool Matters(Type attributeType)
    {
        var name = attributeType.FullName ?? string.Empty;
        if (IgnoredAttributes.Contains(name))
        {
            return false;
        }

        return KnownAttributes.Contains(name)
            || (attributeType.Namespace is { } ns && (KnownAttributeNamespaces.Contains(ns) || ns == "RapidSms" || ns.StartsWith("RapidSms.", StringComparison.Ordinal)));
    }

    private static string Attribute(CustomAttributeData attribute)
    {
        var name = attribute.AttributeType.Name;
        if (name.EndsWith("Attribute", StringComparison.Ordinal))
        {
            name = name[..^"Attribute".Length];
        }

        var arguments = attribute.ConstructorArguments.Select(a => Literal(a.Value, a.ArgumentType))
            .Concat(attribute.NamedArguments
                .OrderBy(a => a.MemberName, StringComparer.Ordinal)
                .Select(a => $"{a.MemberName} = {Literal(a.TypedValue.Value, a.TypedValue.ArgumentType)}"))
            .ToList();
        return arguments.Count == 0 ? name : $"{name}({string.Join(", ", arguments)})";
    }

    private static string Literal(object? value, Type? type = null)
    {
        if (value is ReadOnlyCollection<CustomAttributeTypedArgument> items)
        {
            return "[" + string.Join(", ", items.Select(i => Literal(i.Value, i.ArgumentType))) + "]";
        }

        if (value is not null && type is not null)
        {
            var enumType = Nullable.GetUnderlyingType(type) ?? type;
            if (enumType.IsEnum && !value.GetType().IsEnum)
            {
                value = Enum.ToObject(enumType, value);
            }
        }

        return value switch
        {
            null => "null",
            string s => Quote(s),
            char c => "'" + (c == '\'' ? "\\'" : Escape(c.ToString(), '\'')) + "'",
            bool b => b ? "true" : "false",
            Type t => $"typeof({TypeName(t)})",
            Enum e => EnumLiteral(e),
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
    }

    private static string EnumLiteral(Enum value)
    {
        var type = value.GetType();
        var typeName = FullName(type);
        var text = value.ToString();
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-'))
        {
            return $"({typeName}){text}";
        }

        return string.Join(" | ", text.Split(", ").Select(part => $"{typeName}.{part}"));
    }

    private static string EnumSortKey(object value)
    {
        // Sort enum members by value: offset signed values so the string order is the numeric order.
        var number = value is ulong u ? (decimal)u : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        return (number - (decimal)long.MinValue).ToString("000000000000000000000", CultureInfo.InvariantCulture);
    }

    private static string Quote(string value) => "\"" + Escape(value, '"') + "\"";

    private static string Escape(string value, char quote)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when c == quote => "\\" + c,
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static bool IsDelegate(Type type) => type.IsSubclassOf(typeof(MulticastDelegate));

    private static bool IsRecord(Type type) =>
        type.IsValueType
            ? type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(StringBuilder)]) is { } print
              && HasAttribute(print, "System.Runtime.CompilerServices.CompilerGeneratedAttribute")
            : type.GetMethod("<Clone>$", BindingFlags.Instance | BindingFlags.Public) is not null;

    private static bool HasAttribute(MemberInfo member, string fullName) =>
        member.CustomAttributes.Any(a => a.AttributeType.FullName == fullName);

    private static bool HasAttribute(ParameterInfo parameter, string fullName) =>
        parameter.CustomAttributes.Any(a => a.AttributeType.FullName == fullName);

    /// <summary>
    /// The nullable annotations the compiler wrote for one type reference: the <c>[Nullable]</c> byte
    /// or byte array on the member, parameter or type, else the nearest <c>[NullableContext]</c>.
    /// <see cref="Next"/> hands out one flag per position in a depth-first walk of the type, the
    /// order the compiler writes them (as <see cref="NullabilityInfoContext"/> reads them); unlike
    /// that class, it keeps <c>T</c> and <c>T?</c> apart for an unconstrained <c>T</c>.
    /// </summary>
    private sealed class NullableFlags
    {
        public const byte Annotated = 2;

        private readonly byte[]? _flags;
        private readonly byte _all;
        private int _index;

        private NullableFlags(byte[]? flags, byte all)
        {
            _flags = flags;
            _all = all;
        }

        public static NullableFlags Of(IEnumerable<CustomAttributeData> attributes, MemberInfo? scope)
        {
            switch (Argument(attributes, "System.Runtime.CompilerServices.NullableAttribute"))
            {
                case byte all:
                    return new NullableFlags(null, all);
                case ReadOnlyCollection<CustomAttributeTypedArgument> flags:
                    return new NullableFlags(flags.Select(f => (byte)f.Value!).ToArray(), 0);
            }

            for (; scope is not null; scope = scope.DeclaringType)
            {
                if (Argument(scope.CustomAttributes, "System.Runtime.CompilerServices.NullableContextAttribute") is byte context)
                {
                    return new NullableFlags(null, context);
                }
            }

            return new NullableFlags(null, 0);
        }

        public byte Next() => _flags is null ? _all : _index < _flags.Length ? _flags[_index++] : (byte)0;

        private static object? Argument(IEnumerable<CustomAttributeData> attributes, string name) =>
            attributes.FirstOrDefault(a => a.AttributeType.FullName == name)?.ConstructorArguments[0].Value;
    }
}
