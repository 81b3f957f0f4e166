using Terminal.Gui.Input;
using Tracer.Cli.Tui.Screens;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tests.Tui;

/// <summary>
/// Replay of a traced process tree: the root trace plus one trace per child. The Processes screen shows the tree with
/// each process's threads; the Overview says which process the other screens show and lists the children's findings.
/// </summary>
[Collection(nameof(TuiCollection))]
public sealed class ProcessTreeScreenTests
{
    private const int Root = 4100, ChildA = 4200, ChildB = 4300;

    [Fact]
    public void Processes_screen_shows_parent_children_and_their_threads()
    {
        using var tui = new HeadlessTui(Process(Root, null, "parent-app", [11, 12]), width: 100, height: 30,
            children: [Part(Process(ChildA, Root, "worker-a", [21, 22, 23])), Part(Process(ChildB, Root, "worker-b", [31]))]);
        tui.Press(new Key('7'));
        Assert.Equal(ScreenIndex.Processes, tui.Root.Active);
        string[] lines = tui.Lines();

        int root = Array.FindIndex(lines, l => l.Contains($"{Root} parent-app", StringComparison.Ordinal));
        int a = Array.FindIndex(lines, l => l.Contains($"└ {ChildA} worker-a (parent {Root}), 3 threads", StringComparison.Ordinal));
        int b = Array.FindIndex(lines, l => l.Contains($"└ {ChildB} worker-b (parent {Root}), 1 thread", StringComparison.Ordinal));
        Assert.True(root >= 0 && a > root && b > root, tui.Screen());
        Assert.Contains("2 threads", lines[root], StringComparison.Ordinal);
        Assert.True(Indent(lines[a]) > Indent(lines[root]), "children are indented under their parent");
        Assert.Contains(lines.Skip(a).TakeWhile((_, i) => i < 3), l => l.Contains("threads: t21, t22, t23", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(b).TakeWhile((_, i) => i < 3), l => l.Contains("threads: t31", StringComparison.Ordinal));
    }

    [Fact]
    public void Overview_names_the_shown_pid_and_lists_child_findings_with_their_pid()
    {
        TraceAnalyzer child = Deadlocked(Process(ChildA, Root, "worker-a", []), ChildA, 21, 22);

        using var tui = new HeadlessTui(Process(Root, null, "parent-app", [11]), width: 100, height: 30,
            children: [Part(child), Part(Process(ChildB, Root, "worker-b", [31]))]);
        string screen = tui.Screen();
        Assert.Contains($"showing root pid {Root}; 2 child processes in the Processes screen (7)", screen, StringComparison.Ordinal);
        Assert.Contains("FINDINGS IN CHILD PROCESSES (1)", screen, StringComparison.Ordinal);
        Assert.Contains($"[pid {ChildA}] DEADLOCK:", screen, StringComparison.Ordinal);
        Assert.Contains("No problems found.", screen, StringComparison.Ordinal); // the root itself has none
    }

    [Fact]
    public void Enter_on_a_child_shows_that_process_on_the_other_screens_and_the_root_findings_with_their_pid()
    {
        using var tui = new HeadlessTui(Deadlocked(Process(Root, null, "parent-app", []), Root, 11, 12), width: 100, height: 30,
            children: [Part(Process(ChildA, Root, "worker-a", [21, 22, 23])), Part(Process(ChildB, Root, "worker-b", [31]))]);
        Assert.Contains("FINDINGS (1)", tui.Screen(), StringComparison.Ordinal); // the root's deadlock, the root shown

        tui.Press(new Key('2'), new Key('+'), new Key('+'), new Key('+')); // a zoomed view of the root's time range
        tui.Press(new Key('7'), Key.CursorDown, Key.Enter); // root line selected first; ↓ = worker-a
        Assert.Equal(ScreenIndex.Overview, tui.Root.Active);
        string overview = tui.Screen();
        Assert.Contains($"showing child pid {ChildA}; 2 child processes", overview, StringComparison.Ordinal);
        Assert.Contains($"process {ChildA} worker-a", overview, StringComparison.Ordinal);
        Assert.Contains("No problems found.", overview, StringComparison.Ordinal);
        Assert.Contains("FINDINGS IN OTHER PROCESSES (1)", overview, StringComparison.Ordinal);
        Assert.Contains($"[pid {Root}] DEADLOCK:", overview, StringComparison.Ordinal);

        tui.Press(new Key('2'));
        string threads = tui.Screen();
        Assert.Contains("thread (3)", threads, StringComparison.Ordinal);
        Assert.Contains("t21 21", threads, StringComparison.Ordinal);
        Assert.DoesNotContain("t11", threads, StringComparison.Ordinal);
        string lane = tui.Lines().Single(l => l.StartsWith("t21 21", StringComparison.Ordinal));
        Assert.Contains("=", lane[8..], StringComparison.Ordinal); // the view moved into the child's time range

        tui.Press(new Key('7'));
        Assert.Contains($"{ChildA} worker-a (parent {Root}), 3 threads ◀ shown", tui.Screen(), StringComparison.Ordinal);
        tui.Press(Key.Home, Key.Enter); // back to the root
        Assert.Contains($"showing root pid {Root}", tui.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_process_replay_does_not_mention_children()
    {
        using var tui = new HeadlessTui(Process(Root, null, "parent-app", [11]), width: 100, height: 30);
        string screen = tui.Screen();
        Assert.DoesNotContain("child process", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("root trace", screen, StringComparison.Ordinal);
    }

    private static TraceAnalyzer Process(int pid, int? parent, string name, int[] threads)
    {
        var analyzer = new TraceAnalyzer();
        foreach (int tid in threads)
        {
            analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, tid, tid, processId: pid));
            analyzer.Model.Thread(tid, pid, tid).Name = $"t{tid}";
        }

        analyzer.Model.Process(pid).Name = name;
        analyzer.Model.Process(pid).ParentProcessId = parent;
        if (threads.Length > 0)
        {
            analyzer.Complete();
        }

        return analyzer;
    }

    private static TraceAnalyzer Deadlocked(TraceAnalyzer analyzer, int pid, int t1, int t2)
    {
        analyzer.OnEvent(TraceRecord.ContentionStart(10, t1, 0x1000, 0xa1, ownerThreadId: t2, processId: pid));
        analyzer.OnEvent(TraceRecord.ContentionStart(12, t2, 0x2000, 0xa2, ownerThreadId: t1, processId: pid));
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 1000, 900, pid)); // the cycle holds past its confirmation
        analyzer.Complete();
        return analyzer;
    }

    private static ReportPart Part(TraceAnalyzer analyzer) => new(analyzer.Model, analyzer.Findings.Snapshot());

    private static int Indent(string line) => line.Length - line.TrimStart().Length;
}
