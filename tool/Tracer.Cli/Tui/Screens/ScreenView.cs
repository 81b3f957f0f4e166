using System.Drawing;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Text;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Tracer.Cli.Tui.Screens;

/// <summary>One screen (tab): draws itself from the latest snapshot and handles the keys that are not global.</summary>
internal abstract class ScreenView : View
{
    protected ScreenView(Theme theme)
    {
        Theme = theme;
        Width = Dim.Fill();
        Height = Dim.Fill(1);
        Y = 1;
        CanFocus = false;
    }

    protected Theme Theme { get; }
    protected TuiSnapshot Snapshot { get; private set; } = TuiSnapshot.Empty;

    /// <summary>The tab's label.</summary>
    public abstract string TabTitle { get; }

    /// <summary>Whether this screen lists raw events (the snapshot must then copy them).</summary>
    public virtual bool WantsEvents => false;

    /// <summary>True while the screen edits text (a filter): every key goes to it.</summary>
    public virtual bool CapturesKeys => false;

    /// <summary>What the status line says about the selection; empty for the default hint.</summary>
    public virtual string Status => string.Empty;

    /// <summary>Raised with a screen index (and an item) when Enter on something opens another screen.</summary>
    public event Action<int, object?>? NavigateRequested;

    public void Update(TuiSnapshot snapshot)
    {
        Snapshot = snapshot;
        OnSnapshot();
        SetNeedsDraw();
    }

    /// <summary>Handles a key not handled globally; true when used.</summary>
    public virtual bool HandleKey(Key key) => false;

    /// <summary>Shown because another screen navigated here about <paramref name="item"/>.</summary>
    public virtual void Focus(object? item)
    {
    }

    protected virtual void OnSnapshot()
    {
    }

    protected void Navigate(int screen, object? item) => NavigateRequested?.Invoke(screen, item);

    protected int Rows => Viewport.Height;
    protected int Cols => Viewport.Width;

    private Cell[,]? _frame;
    private Point _origin;
    private bool[] _written = [];
    // The viewport's and the screen buffer's sizes, read once per frame (Viewport is not a plain field).
    private int _rows, _cols, _frameRows, _frameCols;

    /// <summary>
    /// Nothing is cleared: <see cref="OnDrawingContent"/> covers every cell of the viewport, writing only the cells that
    /// differ from what the screen buffer already holds. Terminal.Gui sends every written cell to the terminal again and
    /// costs microseconds per cell, so an unchanged cell is never written (a zoom redraws the lanes, not 8,000 cells).
    /// </summary>
    protected sealed override bool OnClearingViewport() => true;

    protected sealed override bool OnDrawingContent(DrawContext? context)
    {
        _frame = App?.Driver?.Contents;
        _frameRows = _frame?.GetLength(0) ?? 0;
        _frameCols = _frame?.GetLength(1) ?? 0;
        _origin = ViewportToScreen(new Rectangle(0, 0, 1, 1)).Location;
        _rows = Rows;
        _cols = Cols;
        if (_written.Length != _rows * _cols)
        {
            _written = new bool[_rows * _cols];
        }

        Array.Clear(_written);
        DrawScreen();
        BlankUnwritten();
        _frame = null;
        return true;
    }

    /// <summary>Draws the screen with <see cref="Put"/>; cells left out are blanked afterwards.</summary>
    protected abstract void DrawScreen();

    /// <summary>Writes <paramref name="text"/> at (x, y), cut to the width; returns the column after it.</summary>
    protected int Put(int x, int y, string text, Role role, int? width = null)
    {
        int room = Math.Min(width ?? int.MaxValue, _cols - x);
        if (y < 0 || y >= _rows || room <= 0 || x < 0)
        {
            return x;
        }

        string fitted = Names.Fit(text, room);
        Write(x, y, fitted, Theme[role]);
        return x + fitted.Length;
    }

    /// <summary>One cell (the timeline's glyphs): no string unless the cell changed.</summary>
    protected void PutChar(int x, int y, char c, Role role)
    {
        if (x < 0 || y < 0 || x >= _cols || y >= _rows)
        {
            return;
        }

        Attribute attribute = Theme[role];
        _written[y * _cols + x] = true;
        if (!Shows(x, y, c, attribute))
        {
            Draw(x, y, c.ToString(), attribute);
        }
    }

    /// <summary>Fills the rest of row <paramref name="y"/> from <paramref name="x"/> with the role's background.</summary>
    protected void PadRow(int x, int y, Role role)
    {
        if (x < _cols && y >= 0 && y < _rows)
        {
            Put(x, y, new string(' ', _cols - x), role);
        }
    }

    private void Write(int x, int y, string text, Attribute attribute)
    {
        if (_frame is null || !IsNarrow(text))
        {
            // Wide or combining text (or no buffer to compare with): written as is, over all the columns it takes.
            Draw(x, y, text, attribute);
            _written.AsSpan(y * _cols + x, Math.Min(_cols - x, Math.Max(text.Length, text.GetColumns()))).Fill(true);
            return;
        }

        _written.AsSpan(y * _cols + x, text.Length).Fill(true);
        for (int i = 0; i < text.Length;)
        {
            if (Shows(x + i, y, text[i], attribute))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && !Shows(x + i, y, text[i], attribute))
            {
                i++;
            }

            Draw(x + start, y, text.Substring(start, i - start), attribute);
        }
    }

    private void BlankUnwritten()
    {
        Attribute normal = Theme[Role.Normal];
        for (int y = 0; y < _rows; y++)
        {
            for (int x = 0; x < _cols;)
            {
                if (_written[y * _cols + x] || Shows(x, y, ' ', normal))
                {
                    x++;
                    continue;
                }

                int start = x;
                while (x < _cols && !_written[y * _cols + x] && !Shows(x, y, ' ', normal))
                {
                    x++;
                }

                Draw(start, y, new string(' ', x - start), normal);
            }
        }
    }

    private void Draw(int x, int y, string text, Attribute attribute)
    {
        Move(x, y);
        SetAttribute(attribute);
        AddStr(text);
    }

    /// <summary>Whether the screen buffer already shows <paramref name="c"/> in these colours at (x, y) of the viewport.</summary>
    private bool Shows(int x, int y, char c, Attribute attribute)
    {
        if (_frame is null)
        {
            return false;
        }

        int row = _origin.Y + y, col = _origin.X + x;
        if (row < 0 || col < 0 || row >= _frameRows || col >= _frameCols)
        {
            return false;
        }

        ref readonly Cell cell = ref _frame[row, col];
        return cell.Grapheme is { Length: 1 } g && g[0] == c && cell.Attribute == attribute;
    }

    /// <summary>Only characters one column wide that Terminal.Gui stores as they are (the UI's own glyphs, Latin text).</summary>
    private static bool IsNarrow(string text)
    {
        foreach (char c in text)
        {
            if (!(c is >= ' ' and < '\x7f' or >= '\u00a0' and < '\u0300' or >= '\u2010' and < '\u2300' or >= '\u2500' and < '\u25fd'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsChar(Key key, char c) => key.AsRune.Value == c && !key.IsCtrl && !key.IsAlt;
}
