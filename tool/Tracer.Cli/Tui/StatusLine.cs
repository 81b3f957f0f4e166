using Terminal.Gui.ViewBase;

namespace Tracer.Cli.Tui;

/// <summary>The bottom line: what the selection is, or the question being asked.</summary>
internal sealed class StatusLine : View
{
    private readonly Theme _theme;

    public StatusLine(Theme theme)
    {
        _theme = theme;
        Width = Dim.Fill();
        Height = 1;
        Y = Pos.AnchorEnd(1);
    }

    public bool Highlight { get; set; }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        int width = Viewport.Width;
        string text = Names.Fit(" " + Text, width);
        Move(0, 0);
        SetAttribute(_theme[Highlight ? Role.Critical : Role.Status]);
        AddStr(text.PadRight(width));
        return true;
    }
}
