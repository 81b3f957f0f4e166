using Terminal.Gui.ViewBase;

namespace Tracer.Cli.Tui;

/// <summary>F1 / ?: every key, over the active screen.</summary>
internal sealed class HelpView : View
{
    private readonly Theme _theme;

    public HelpView(Theme theme)
    {
        _theme = theme;
        Y = 1;
        Width = Dim.Fill();
        Height = Dim.Fill(1);
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        int y = 0;
        foreach (string line in KeyMap.HelpLines())
        {
            Move(0, y);
            SetAttribute(_theme[line.StartsWith(' ') || line.Length == 0 ? Role.Normal : Role.Title]);
            AddStr(Names.Fit(line, Viewport.Width).PadRight(Viewport.Width));
            y++;
        }

        for (; y < Viewport.Height; y++)
        {
            Move(0, y);
            SetAttribute(_theme[Role.Normal]);
            AddStr(new string(' ', Viewport.Width));
        }

        return true;
    }
}
