using RapidSms.Tests.Api.Samples;
using RapidSms.Tests.Shared;

namespace RapidSms.Tests.Api;

public sealed class PublicApiGeneratorTests
{
    [Fact]
    public void RenderType_Enum_ListsMembersByValueWithUnderlyingType()
    {
        PublicApiGenerator.RenderType(typeof(SampleAccess)).Should().Equal(
            "[Flags] public enum RapidSms.Tests.Api.Samples.SampleAccess : byte",
            "    None = 0",
            "    Low = 1",
            "    High = 128",
            "    Both = 129");
    }

    [Fact]
    public void RenderType_PositionalRecord_ShowsRecordInitAndNullableDefaults()
    {
        PublicApiGenerator.RenderType(typeof(SampleRecord)).Should().Equal(
            "public sealed record RapidSms.Tests.Api.Samples.SampleRecord : System.IEquatable<RapidSms.Tests.Api.Samples.SampleRecord>",
            "    public SampleRecord(string Name, int? Count = null)",
            "    public int? Count { get; init; }",
            "    public string Name { get; init; }",
            "    public void Deconstruct(out string Name, out int? Count)",
            "    public bool Equals(RapidSms.Tests.Api.Samples.SampleRecord? other)",
            "    public override bool Equals(object? obj)",
            "    public override int GetHashCode()",
            "    public override string ToString()",
            "    public static bool operator ==(RapidSms.Tests.Api.Samples.SampleRecord? left, RapidSms.Tests.Api.Samples.SampleRecord? right)",
            "    public static bool operator !=(RapidSms.Tests.Api.Samples.SampleRecord? left, RapidSms.Tests.Api.Samples.SampleRecord? right)");
    }

    [Fact]
    public void RenderType_ReadOnlyRecordStruct_IsNamedAsSuch()
    {
        PublicApiGenerator.RenderType(typeof(SampleRecordStruct))[0].Should().Be(
            "public readonly record struct RapidSms.Tests.Api.Samples.SampleRecordStruct : System.IEquatable<RapidSms.Tests.Api.Samples.SampleRecordStruct>");
    }

    [Fact]
    public void RenderType_Delegate_ShowsVarianceSignatureAndConstraints()
    {
        PublicApiGenerator.RenderType(typeof(SampleCallback<,>)).Should().Equal(
            "public delegate TResult RapidSms.Tests.Api.Samples.SampleCallback<in TArgument, out TResult>(TArgument argument, System.Threading.CancellationToken cancellationToken) where TArgument : notnull");
    }

    [Fact]
    public void RenderType_Interface_ShowsStaticAbstractMembers()
    {
        PublicApiGenerator.RenderType(typeof(ISampleService<>)).Should().Equal(
            "public interface RapidSms.Tests.Api.Samples.ISampleService<T> where T : struct",
            "    public T Current { get; }",
            "    public static abstract T Create()");
    }

    [Fact]
    public void RenderType_AbstractGenericClass_ShowsEveryVisibleMemberAndNoHiddenOne()
    {
        PublicApiGenerator.RenderType(typeof(SampleBase<>)).Should().Equal(
            "public abstract class RapidSms.Tests.Api.Samples.SampleBase<TItem> : System.IDisposable where TItem : class, new()",
            "    public const string Greeting = \"hi \\\"there\\\"\\n\"",
            "    public static readonly int Zero",
            "    protected int counter",
            "    protected SampleBase(TItem item)",
            "    protected virtual bool Flag { get; }",
            "    public int this[int index] { get; }",
            "    public required string Label { get; init; }",
            "    [Range(1, 10)] public int Level { get; set; }",
            "    public string? Maybe { get; protected set; }",
            "    public TItem Value { get; }",
            "    public event System.EventHandler<string?>? Changed",
            "    public void Dispose()",
            "    protected virtual void OnChanged()",
            "    public static T Pick<T>(T value, RapidSms.Tests.Api.Samples.SampleAccess flags = RapidSms.Tests.Api.Samples.SampleAccess.Both, params int[] rest) where T : notnull",
            "    public abstract System.Threading.Tasks.ValueTask<bool> RunAsync(System.Collections.Generic.IReadOnlyList<string?> items, System.Threading.CancellationToken cancellationToken = default)",
            "    public bool TryGet(string key, [NotNullWhen(true)] out TItem? item)",
            "    public static RapidSms.Tests.Api.Samples.SampleBase<TItem>? operator +(RapidSms.Tests.Api.Samples.SampleBase<TItem>? left, int right)",
            "    public static implicit operator TItem(RapidSms.Tests.Api.Samples.SampleBase<TItem> value)");
    }

    [Fact]
    public void RenderType_NestedTypes_AreNamedThroughTheirDeclaringType()
    {
        PublicApiGenerator.RenderType(typeof(SampleBase<>.Nested)).Should().Equal(
            "public sealed class RapidSms.Tests.Api.Samples.SampleBase<TItem>.Nested",
            "    public Nested()",
            "    public (int, string?) Pair { get; set; }");
        PublicApiGenerator.RenderType(typeof(SampleBase<>).GetNestedType("Inner", System.Reflection.BindingFlags.NonPublic)!)[0]
            .Should().Be("protected sealed class RapidSms.Tests.Api.Samples.SampleBase<TItem>.Inner");
    }

    [Fact]
    public void RenderType_DerivedClass_ShowsOverridesAttributesAndClosedBase()
    {
        PublicApiGenerator.RenderType(typeof(SampleDerived)).Should().Equal(
            "public sealed class RapidSms.Tests.Api.Samples.SampleDerived : RapidSms.Tests.Api.Samples.SampleBase<object>",
            "    [SetsRequiredMembers] public SampleDerived()",
            "    protected override bool Flag { get; }",
            "    protected override void OnChanged()",
            "    [Obsolete(\"Use RunAsync.\")] public void Run()",
            "    public override System.Threading.Tasks.ValueTask<bool> RunAsync(System.Collections.Generic.IReadOnlyList<string?> items, System.Threading.CancellationToken cancellationToken = default)");
    }

    [Fact]
    public void RenderType_GenericMethods_KeepNullableAnnotationsPerPosition()
    {
        PublicApiGenerator.RenderType(typeof(SampleGenerics)).Should().Equal(
            "public static class RapidSms.Tests.Api.Samples.SampleGenerics",
            "    public static void Fill<T>(System.Span<T> buffer, in T value, ref int count) where T : unmanaged",
            "    public static T? FirstOrNone<T>(System.Collections.Generic.IEnumerable<T> items, T fallback)",
            "    public static System.Collections.Generic.Dictionary<string, System.Collections.Generic.List<T?>>? Group<T>(T[]? items, (string, T?)[] pairs) where T : class",
            "    public static int? Sum(int?[] values, System.Collections.Generic.KeyValuePair<string?, int?> pair)");
    }

    [Fact]
    public void Render_SameAssemblyTwice_IsIdenticalAndLeavesOutInternalTypes()
    {
        var first = PublicApiGenerator.Render(typeof(SampleBase<>).Assembly);
        var second = PublicApiGenerator.Render(typeof(SampleBase<>).Assembly);

        second.Should().Be(first);
        first.Should().Contain("public sealed class RapidSms.Tests.Api.Samples.SampleDerived")
            .And.NotContain("SampleInternal")
            .And.NotContain("void Hidden()")
            .And.NotContain("AlsoHidden");
    }

    [Fact]
    public void Diff_ChangedMember_ShowsRemovedAndAddedLinesUnderTheirType()
    {
        const string Approved = "// header\n\npublic sealed class A\n    public int X { get; }\n    public int Y { get; }\n\npublic sealed class B\n    public B()\n";
        const string Received = "// header\n\npublic sealed class A\n    public int X { get; }\n    public long Y { get; }\n\npublic sealed class B\n    public B()\n    public void Run()\n";

        PublicApiGenerator.Diff(Approved, Received).Should().Be(
            "  public sealed class A\n" +
            "-     public int Y { get; }\n" +
            "+     public long Y { get; }\n" +
            "  public sealed class B\n" +
            "+     public void Run()\n");
    }

    [Fact]
    public void Diff_RemovedType_ShowsTheTypeLineItself()
    {
        const string Approved = "public sealed class A\n    public A()\n\npublic sealed class B\n    public B()\n";
        const string Received = "public sealed class A\n    public A()\n";

        PublicApiGenerator.Diff(Approved, Received).Should().Be(
            "- \n" +
            "- public sealed class B\n" +
            "-     public B()\n");
    }
}
