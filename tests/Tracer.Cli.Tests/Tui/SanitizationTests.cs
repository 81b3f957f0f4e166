using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Cli.Tests.Tui;

/// <summary>Text from the traced program never reaches the terminal as control sequences.</summary>
[Collection(nameof(TuiCollection))]
public sealed class SanitizationTests
{
    [Fact]
    public void Escape_sequences_in_a_thread_name_are_shown_escaped()
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, 1, 7, processId: 1));
        analyzer.OnEvent(TraceRecord.ContentionStart(2, 7, lockId: 0x10, objectId: 0x20, ownerThreadId: 8, processId: 1));
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, 3, 8, processId: 1));
        analyzer.Model.Threads[7].Name = "evil\u001b[2J\u001b]0;pwn\u0007";
        analyzer.Complete();

        using var tui = new HeadlessTui(analyzer, width: 100);
        foreach (char screen in "1234567")
        {
            tui.Press(new Terminal.Gui.Input.Key(screen));
            string text = tui.Screen();
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u0007', text);
            if (screen is '2' or '6')
            {
                Assert.Contains(@"evil\x1b[2J\x1b]", text, StringComparison.Ordinal); // cut to the column's width after that
            }
        }

        Assert.DoesNotContain('\u001b', tui.Root.StatusText);
        tui.Press(new Terminal.Gui.Input.Key('4'));
        Assert.Contains(@"evil\x1b[2J\x1b]0;pwn\x07", tui.Screen(), StringComparison.Ordinal); // blocked-threads list, in full
    }
}
