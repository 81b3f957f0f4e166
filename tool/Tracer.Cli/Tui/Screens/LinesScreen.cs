using Terminal.Gui.Input;

namespace Tracer.Cli.Tui.Screens;

/// <summary>One line of a text screen. Lines with a <see cref="Tag"/> can be selected and opened with Enter.</summary>
internal sealed record Line(string Text, Role Role = Role.Normal, object? Tag = null)
{
    public static readonly Line Blank = new(string.Empty);
}

/// <summary>A screen that is a scrollable list of lines, with a selection over the tagged ones.</summary>
internal abstract class LinesScreen(Theme theme) : ScreenView(theme)
{
    private List<Line> _lines = [];
    private int _top;
    private int _selected = -1;
    private int _builtWidth = -1;

    /// <summary>Lines pinned above the scrolling part (headers).</summary>
    protected virtual IReadOnlyList<Line> Header => [];

    protected object? SelectedTag => _selected >= 0 && _selected < _lines.Count ? _lines[_selected].Tag : null;

    protected abstract List<Line> BuildLines();

    protected override void OnSnapshot() => Rebuild();

    /// <summary>Rebuilds the lines, keeping the selection on the same tag when it still exists.</summary>
    protected void Rebuild()
    {
        object? keep = SelectedTag;
        _builtWidth = Cols;
        _lines = BuildLines();
        _selected = keep is null ? -1 : _lines.FindIndex(l => Equals(l.Tag, keep));
        if (_selected < 0)
        {
            _selected = _lines.FindIndex(l => l.Tag is not null);
        }

        SetNeedsDraw();
    }

    protected void Select(object? tag)
    {
        int index = _lines.FindIndex(l => l.Tag is not null && Equals(l.Tag, tag));
        if (index >= 0)
        {
            _selected = index;
            EnsureVisible();
            SetNeedsDraw();
        }
    }

    /// <summary>Enter on the selected line.</summary>
    protected virtual void Activate(object tag)
    {
    }

    /// <summary>Whether the last line is in view (a live list then keeps following new lines).</summary>
    protected bool AtEnd => _top >= _lines.Count - BodyRows;

    protected void ScrollToEnd() => _top = Math.Max(0, _lines.Count - BodyRows);

    private int BodyRows => Math.Max(1, Rows - Header.Count);

    public override bool HandleKey(Key key)
    {
        if (key == Key.CursorDown) { MoveSelection(1); }
        else if (key == Key.CursorUp) { MoveSelection(-1); }
        else if (key == Key.PageDown) { Page(BodyRows); }
        else if (key == Key.PageUp) { Page(-BodyRows); }
        else if (key == Key.Home) { _top = 0; _selected = _lines.FindIndex(l => l.Tag is not null); }
        else if (key == Key.End) { ScrollToEnd(); _selected = _lines.FindLastIndex(l => l.Tag is not null); }
        else if (key == Key.Enter && SelectedTag is { } tag) { Activate(tag); }
        else { return false; }

        SetNeedsDraw();
        return true;
    }

    private void MoveSelection(int delta)
    {
        int next = _selected;
        do
        {
            next += delta;
        }
        while (next >= 0 && next < _lines.Count && _lines[next].Tag is null);

        if (next >= 0 && next < _lines.Count)
        {
            _selected = next;
            EnsureVisible();
        }
        else
        {
            // Nothing selectable that way: scroll instead, so long text can be read.
            _top = Math.Clamp(_top + delta, 0, Math.Max(0, _lines.Count - BodyRows));
        }
    }

    private void Page(int delta)
    {
        _top = Math.Clamp(_top + delta, 0, Math.Max(0, _lines.Count - BodyRows));
        if (_selected >= 0 && (_selected < _top || _selected >= _top + BodyRows))
        {
            int candidate = _lines.FindIndex(_top, l => l.Tag is not null);
            _selected = candidate >= 0 && candidate < _top + BodyRows ? candidate : _selected;
        }
    }

    private void EnsureVisible()
    {
        if (_selected < _top)
        {
            _top = _selected;
        }
        else if (_selected >= _top + BodyRows)
        {
            _top = _selected - BodyRows + 1;
        }
    }

    protected override void DrawScreen()
    {
        if (Cols != _builtWidth)
        {
            Rebuild(); // lines are fitted to the width: a resize rebuilds them
        }

        IReadOnlyList<Line> header = Header;
        for (int y = 0; y < header.Count; y++)
        {
            Put(0, y, header[y].Text, header[y].Role);
        }

        _top = Math.Clamp(_top, 0, Math.Max(0, _lines.Count - BodyRows));
        for (int row = 0; row < BodyRows && _top + row < _lines.Count; row++)
        {
            int index = _top + row;
            Line line = _lines[index];
            int y = header.Count + row;
            if (index == _selected)
            {
                int end = Put(0, y, line.Text, Role.Selected);
                PadRow(end, y, Role.Selected);
            }
            else
            {
                Put(0, y, line.Text, line.Role);
            }
        }
    }
}
