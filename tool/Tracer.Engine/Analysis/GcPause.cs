namespace Tracer.Engine.Analysis;

/// <summary>One GC suspension: when, how long, and what the GC inside it was.</summary>
internal sealed record GcPause(double StartMs, double DurationMs, int? Generation, byte Reason, int Type, int ThreadId, int StackId, bool StillOpen)
{
    private static readonly string[] s_reasons =
    [
        "small allocation", "induced (GC.Collect)", "low memory", "empty", "large allocation", "out of space (SOH)",
        "out of space (LOH)", "induced, not forced", "internal", "induced low memory", "induced compacting",
        "low memory (host)", "PM full GC", "low memory (host, blocking)",
    ];

    public string Describe() => Generation is int gen
        ? $"gen{gen} {TypeName()} GC, reason {(Reason < s_reasons.Length ? s_reasons[Reason] : $"#{Reason}")}"
        : "a suspension for a GC";

    private string TypeName() => Type switch
    {
        0 => "blocking",
        1 => "background",
        2 => "foreground",
        _ => $"type {Type}",
    };
}
