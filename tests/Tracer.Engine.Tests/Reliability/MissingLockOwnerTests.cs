using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Tests.Reliability;

/// <summary>
/// A runtime older than .NET 8 does not name a contended lock's owner (ContentionStart v1). Simulated on the real
/// deadlock fixture by erasing every owner field: the trace still reads, the report says why no cycle can be built,
/// and no deadlock is invented.
/// </summary>
public sealed class MissingLockOwnerTests : IDisposable
{
    private const string NoOwnersNote = "the runtime did not report lock owners";
    private static readonly string s_fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace");
    private readonly string _erased = Path.Combine(Path.GetTempPath(), $"tracer-no-owners-{Guid.NewGuid():N}.nettrace");

    [Fact]
    public void Without_lock_owners_the_report_notes_it_and_finds_no_deadlock()
    {
        int erased = ContentionOwnerEraser.Erase(s_fixture, _erased);
        Assert.True(erased > 0, "the fixture has contentions");

        TraceAnalyzer original = TraceFileAnalysis.Analyze(s_fixture);
        TraceAnalyzer old = TraceFileAnalysis.Analyze(_erased);

        Assert.Contains(original.Findings.Snapshot(), f => f.Kind == FindingKinds.Deadlock); // the control: owners make the cycle
        Assert.DoesNotContain(original.Model.Notes, n => n.Contains(NoOwnersNote, StringComparison.Ordinal));
        Assert.Equal(original.Model.TotalEvents, old.Model.TotalEvents); // every event still decodes
        Assert.False(old.Model.Truncated);
        Assert.Contains(old.Model.Notes, n => n.Contains(NoOwnersNote, StringComparison.Ordinal));
        Assert.DoesNotContain(old.Findings.Snapshot(), f => f.Kind == FindingKinds.Deadlock);
    }

    public void Dispose() => File.Delete(_erased);
}
