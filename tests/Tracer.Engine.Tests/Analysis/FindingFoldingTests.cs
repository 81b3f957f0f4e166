using Tracer.Engine.Analysis;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>A hang or long wait is folded under the finding that explains all its threads (FindingRoots), and only then.</summary>
public sealed class FindingFoldingTests
{
    [Fact]
    public void A_hang_of_threads_a_cause_explains_is_folded_under_it_and_not_raised()
    {
        var set = new FindingSet();
        var raised = new List<string>();
        set.Found += f => raised.Add(f.Key);
        set.Report(Cause("starvation:1", 1, 2, 3));
        set.Report(Symptom("hang:a", FindingKinds.Hang, 1));
        set.Report(Symptom("long:b", FindingKinds.LongWait, 2, 3));
        set.DispatchFound();

        Finding only = Assert.Single(set.Snapshot());
        Assert.Equal("starvation:1", only.Key);
        Assert.Contains(only.Details, d => d.Contains("explains 1 hang finding and 1 long-wait finding", StringComparison.Ordinal));
        Assert.Equal(["starvation:1"], raised);
    }

    [Fact]
    public void A_hang_with_a_thread_the_cause_does_not_explain_stays_a_finding()
    {
        var set = new FindingSet();
        set.Report(Cause("starvation:1", 1, 2));
        set.Report(Symptom("hang:a", FindingKinds.Hang, 2, 9));
        Assert.Equal(2, set.Snapshot().Count);
    }

    [Fact]
    public void A_symptom_found_first_is_folded_when_its_cause_arrives_and_back_when_the_cause_is_retracted()
    {
        var set = new FindingSet();
        set.Report(Symptom("hang:a", FindingKinds.Hang, 4));
        set.Report(Cause("deadlock:x", 4, 5));
        Assert.Equal(["deadlock:x"], set.Snapshot().Select(f => f.Key));

        set.Retract("deadlock:x");
        Assert.Equal(["hang:a"], set.Snapshot().Select(f => f.Key));
    }

    [Fact]
    public void Only_symptom_kinds_are_folded()
    {
        var set = new FindingSet();
        set.Report(Cause("starvation:1", 1, 2));
        set.Report(Symptom("convoy:a", FindingKinds.Convoy, 1, 2));
        Assert.Equal(2, set.Snapshot().Count);
    }

    private static Finding Cause(string key, params int[] threads) => new()
    {
        Kind = key.Split(':')[0], Severity = Severity.Error, Summary = key, TimeMs = 0, Key = key,
        Threads = [.. threads.Select(t => new FindingThread(t, "blocked", null, null, -1, 0))], Explains = threads,
    };

    private static Finding Symptom(string key, string kind, params int[] threads) => new()
    {
        Kind = kind, Severity = Severity.Error, Summary = key, TimeMs = 1, Key = key,
        Threads = [.. threads.Select(t => new FindingThread(t, "waits", null, null, -1, 0))],
    };
}
