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
        TraceAnalyzer child = Process(ChildA, Root, "worker-a", []);
        child.OnEvent(TraceRecord.ContentionStart(10, 21, 0x1000, 0xa1, ownerThreadId: 22, processId: ChildA));
        child.OnEvent(TraceRecord.ContentionStart(12, 22, 0x2000, 0xa2, ownerThreadId: 21, processId: ChildA));
        child.Complete();

        using var tui = new HeadlessTui(Process(Root, null, "parent-app", [11]), width: 100, height: 30,
            children: [Part(child), Part(Process(ChildB, Root, "worker-b", [31]))]);
        string screen = tui.Screen();
        Assert.Contains($"showing pid {Root}; 2 child processes in the Processes screen (7)", screen, StringComparison.Ordinal);
        Assert.Contains("FINDINGS IN CHILD PROCESSES (1)", screen, StringComparison.Ordinal);
        Assert.Contains($"[pid {ChildA}] DEADLOCK:", screen, StringComparison.Ordinal);
        Assert.Contains("No problems found.", screen, StringComparison.Ordinal); // the root itself has none
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

    private static ReportPart Part(TraceAnalyzer analyzer) => new(analyzer.Model, analyzer.Findings.Snapshot());

    private static int Indent(string line) => line.Length - line.TrimStart().Length;
}
