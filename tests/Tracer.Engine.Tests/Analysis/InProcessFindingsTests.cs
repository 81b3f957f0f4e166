using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>run --races' reports (Tracer-Races events) become race and potential-deadlock findings, with both sites.</summary>
public sealed class InProcessFindingsTests
{
    private const string RaceText =
        "kind=field\ntarget=Box.Value\nfirst=write|101|Box.Value|Worker.Run +IL_0010 (Worker.cs:12)\nsecond=read|202|Box.Value|Main.Check +IL_0004 (Main.cs:30)\n";

    private const string OrderText =
        "edge=Bank.a|Bank.b|7|Bank.One +IL_0002 (Bank.cs:5)|Bank.One +IL_0010 (Bank.cs:6)\n" +
        "edge=Bank.b|Bank.a|8|Bank.Two +IL_0002 (Bank.cs:12)|Bank.Two +IL_0010 (Bank.cs:13)\n";

    [Fact]
    public void A_race_report_is_a_race_finding_naming_both_threads_and_sites()
    {
        List<Finding> findings = ProbeStream.Run(new RaceDetector(), [ProbeRecord.Create(ProbeOperation.RaceReport, 5, 202, 42, RaceText, stackId: 3)]);
        Finding race = Assert.Single(findings);
        Assert.Equal(FindingKinds.Race, race.Kind);
        Assert.Contains("field 'Box.Value': a write and a read", race.Summary, StringComparison.Ordinal);
        Assert.Equal([101, 202], race.Threads.Select(t => t.ThreadId));
        Assert.Equal("writes Box.Value at Worker.Run +IL_0010 (Worker.cs:12)", race.Threads[0].Role);
        Assert.Equal("reads Box.Value at Main.Check +IL_0004 (Main.cs:30)", race.Threads[1].Role);
        Assert.Equal([-1, 3], race.Threads.Select(t => t.StackId)); // the stack is the second access's
    }

    [Fact]
    public void A_collection_report_names_the_collection_and_both_methods()
    {
        string text = "kind=collection\ntarget=List.Add\nfirst=write|1|List.Add|A.Run +IL_0001 (A.cs:1)\nsecond=read|2|List.get_Count|A.Run +IL_0009 (A.cs:2)\n";
        Finding race = Assert.Single(ProbeStream.Run(new RaceDetector(), [ProbeRecord.Create(ProbeOperation.RaceReport, 5, 2, 9, text)]));
        Assert.Equal("thread-safety violation on a List: List.Add (write) and List.get_Count (read) were called from two threads not ordered by happens-before", race.Summary);
    }

    [Fact]
    public void A_lock_order_report_is_a_potential_deadlock_with_each_order_and_its_sites()
    {
        Finding finding = Assert.Single(ProbeStream.Run(new LockOrderDetector(), [ProbeRecord.Create(ProbeOperation.LockOrderReport, 9, 8, 77, OrderText, stackId: 4)]));
        Assert.Equal(FindingKinds.PotentialDeadlock, finding.Kind);
        Assert.Contains("('Bank.a' → 'Bank.b' → 'Bank.a')", finding.Summary, StringComparison.Ordinal);
        Assert.Equal("takes 'Bank.b' at Bank.One +IL_0010 (Bank.cs:6) while holding 'Bank.a' (taken at Bank.One +IL_0002 (Bank.cs:5))", finding.Threads[0].Role);
        Assert.Equal([7, 8], finding.Threads.Select(t => t.ThreadId));
    }

    [Fact]
    public void Reports_are_not_probe_accesses_and_other_detectors_ignore_them()
    {
        Assert.Empty(ProbeStream.Run(new LockOrderDetector(), [ProbeRecord.Create(ProbeOperation.RaceReport, 5, 2, 42, RaceText)]));
        Assert.Empty(ProbeStream.Run(new RaceDetector(), [ProbeRecord.Create(ProbeOperation.LockOrderReport, 5, 2, 42, OrderText)]));
    }

    [Fact]
    public void The_decoder_reads_a_Tracer_Races_event_by_offset()
    {
        byte[] payload = [.. BitConverter.GetBytes(42L), .. Encoding.Unicode.GetBytes(RaceText + "\0")];
        var decoder = new ProbeEventDecoder();
        Assert.True(decoder.TryDecodeRaces(new RawEvent { Provider = TraceProvider.Races, EventId = 1, ThreadId = 202, TimeMs = 3, Payload = payload }, out TraceRecord record));
        Assert.Equal(ProbeOperation.RaceReport, ProbeRecord.Operation(record));
        Assert.Equal(42UL, record.ObjectId);
        Assert.Equal(RaceText, record.Text);
        Assert.False(decoder.TryDecodeRaces(new RawEvent { Provider = TraceProvider.Races, EventId = 3, Payload = payload }, out _));
        Assert.Equal(TraceProvider.Races, ProviderKindsOf("Tracer-Races"));
    }

    private static TraceProvider ProviderKindsOf(string name) => ProviderKinds.FromName(name);
}
