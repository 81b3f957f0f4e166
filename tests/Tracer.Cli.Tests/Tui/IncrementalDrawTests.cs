using Terminal.Gui.Input;

namespace Tracer.Cli.Tests.Tui;

/// <summary>
/// Screens write only the cells that changed since the last frame; what they leave must be exactly what a full
/// redraw from a cleared screen shows, through zooms, pans, screen switches, the help overlay and a resize.
/// </summary>
[Collection(nameof(TuiCollection))]
public sealed class IncrementalDrawTests
{
    public static TheoryData<bool> Monochrome => new() { false, true };

    [Theory]
    [MemberData(nameof(Monochrome))]
    public void Every_incremental_frame_equals_a_full_redraw(bool monochrome)
    {
        using var tui = new HeadlessTui(Fixtures.Dining, monochrome: monochrome);
        Key[] keys =
        [
            new('2'), new('+'), new('+'), new('+'), new(']'), new(']'), new('['), Key.CursorRight, Key.CursorDown, new('-'),
            new('s'), Key.End, new('z'), Key.F1, new('x'), new('3'), Key.CursorDown, Key.Enter, new('1'), new('4'),
            new('6'), new('5'), new('7'), new('2'), new('1'),
        ];
        foreach (Key key in keys)
        {
            tui.PressIncrementally(key);
            string[] incremental = tui.CellsWithColours();
            string screen = tui.Screen();
            tui.Redraw();
            string[] full = tui.CellsWithColours();
            Assert.True(full.SequenceEqual(incremental),
                $"after {key}: {string.Join("; ", full.Zip(incremental).Where(p => p.First != p.Second).Take(5).Select(p => $"{p.Second} instead of {p.First}"))}\n{screen}");
        }
    }

    [Fact]
    public void A_resize_between_incremental_frames_leaves_nothing_behind()
    {
        using var tui = new HeadlessTui(Fixtures.Dining, width: 120, height: 40);
        tui.PressIncrementally(new Key('2'));
        tui.Resize(80, 24);
        tui.PressIncrementally(new Key('+'));
        string[] incremental = tui.CellsWithColours();
        tui.Redraw();
        Assert.Equal(tui.CellsWithColours(), incremental);
    }
}
