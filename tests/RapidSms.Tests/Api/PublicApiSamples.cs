using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

// Types whose rendering PublicApiGeneratorTests pins down: one feature of the C# surface each.
#pragma warning disable CA1000, CA1003, CA1008, CA1024, CA1028, CA1051, CA1070, CA1716, CA1802, CA1805, CA1815, CA2225, CA2231
namespace RapidSms.Tests.Api.Samples;

[Flags]
public enum SampleAccess : byte
{
    None = 0,
    Low = 1,
    High = 128,
    Both = Low | High,
}

public sealed record SampleRecord(string Name, int? Count = null);

public readonly record struct SampleRecordStruct(long Value);

public delegate TResult SampleCallback<in TArgument, out TResult>(TArgument argument, CancellationToken cancellationToken)
    where TArgument : notnull;

public interface ISampleService<T>
    where T : struct
{
    T Current { get; }

    static abstract T Create();
}

public abstract class SampleBase<TItem> : IDisposable
    where TItem : class, new()
{
    public const string Greeting = "hi \"there\"\n";

    public static readonly int Zero = 0;

    protected int counter;

    protected SampleBase(TItem item)
    {
        Value = item;
    }

    public event EventHandler<string?>? Changed;

    public TItem Value { get; }

    public required string Label { get; init; }

    public string? Maybe { get; protected set; }

    [Range(1, 10)]
    public int Level { get; set; } = 1;

    protected internal virtual bool Flag => true;

    public int this[int index] => index;

    public static SampleBase<TItem>? operator +(SampleBase<TItem>? left, int right) => left;

    public static implicit operator TItem(SampleBase<TItem> value) => value.Value;

    public abstract ValueTask<bool> RunAsync(IReadOnlyList<string?> items, CancellationToken cancellationToken = default);

    public bool TryGet(string key, [NotNullWhen(true)] out TItem? item)
    {
        item = key.Length > 0 ? Value : null;
        return item is not null;
    }

    public static T Pick<T>(T value, SampleAccess flags = SampleAccess.Low | SampleAccess.High, params int[] rest)
        where T : notnull => value;

    public void Dispose()
    {
        Changed?.Invoke(this, null);
        GC.SuppressFinalize(this);
    }

    protected virtual void OnChanged()
    {
    }

    internal void Hidden()
    {
    }

    private protected void AlsoHidden()
    {
    }

    public sealed class Nested
    {
        public (int Count, string? Name) Pair { get; set; }
    }

    protected sealed class Inner;
}

public sealed class SampleDerived : SampleBase<object>
{
    [SetsRequiredMembers]
    public SampleDerived()
        : base(new object())
    {
        Label = "derived";
    }

    protected internal override bool Flag => false;

    public override ValueTask<bool> RunAsync(IReadOnlyList<string?> items, CancellationToken cancellationToken = default) => new(true);

    [Obsolete("Use RunAsync.")]
    public void Run()
    {
    }

    protected override void OnChanged()
    {
    }
}

public static class SampleGenerics
{
    public static T? FirstOrNone<T>(IEnumerable<T> items, T fallback) => fallback;

    public static Dictionary<string, List<T?>>? Group<T>(T[]? items, (string Key, T? Value)[] pairs)
        where T : class => null;

    public static void Fill<T>(Span<T> buffer, in T value, ref int count)
        where T : unmanaged => buffer.Fill(value);

    public static int? Sum(int?[] values, KeyValuePair<string?, int?> pair) => pair.Value;
}

internal sealed class SampleInternal;
#pragma warning restore CA1000, CA1003, CA1008, CA1024, CA1028, CA1051, CA1070, CA1716, CA1802, CA1805, CA1815, CA2225, CA2231
