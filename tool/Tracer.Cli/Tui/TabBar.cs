using Terminal.Gui.ViewBase;
using Tracer.Cli.Tui.Screens;

namespace Tracer.Cli.Tui;

/// <summary>The one-line tab bar: " 1 Overview  2 Threads …", the active one highlighted.</summary>
internal sealed class TabBar : View
{
    private readonly Theme _theme;
    private readonly IReadOnlyList<string> _titles;
    private int _active;

    public TabBar(Theme theme, IReadOnlyList<string> titles)
    {
        _theme = theme;
        _titles = titles;
        Width = Dim.Fill();
        Height = 1;
    }

    public int Active
    {
        get => _active;
        set
        {
            _active = value;
            SetNeedsDraw();
        }
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        int x = 0, width = Viewport.Width;
        Move(0, 0);
        SetAttribute(_theme[Role.Tab]);
        AddStr(new string(' ', width));
        for (int i = 0; i < _titles.Count && x < width; i++)
        {
            // Narrow terminals: the inactive tabs shrink to their number.
            string label = width >= 80 || i == _active ? $" {i + 1} {_titles[i]} " : $" {i + 1} ";
            label = Names.Fit(label, width - x);
            Move(x, 0);
            SetAttribute(_theme[i == _active ? Role.ActiveTab : Role.Tab]);
            AddStr(label);
            x += label.Length;
        }

        return true;
    }
}
