using System.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

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

    protected override bool OnClearingViewport()
    {
        SetAttribute(Theme[Role.Normal]);
        FillRect(new Rectangle(0, 0, Viewport.Width, Viewport.Height), new System.Text.Rune(' '));
        return true;
    }

    /// <summary>Writes <paramref name="text"/> at (x, y), cut to the width; returns the column after it.</summary>
    protected int Put(int x, int y, string text, Role role, int? width = null)
    {
        int room = Math.Min(width ?? int.MaxValue, Cols - x);
        if (y < 0 || y >= Rows || room <= 0)
        {
            return x;
        }

        string fitted = Names.Fit(text, room);
        Move(x, y);
        SetAttribute(Theme[role]);
        AddStr(fitted);
        return x + fitted.Length;
    }

    /// <summary>Fills the rest of row <paramref name="y"/> from <paramref name="x"/> with the role's background.</summary>
    protected void PadRow(int x, int y, Role role)
    {
        if (x < Cols && y >= 0 && y < Rows)
        {
            Put(x, y, new string(' ', Cols - x), role);
        }
    }

    public static bool IsChar(Key key, char c) => key.AsRune.Value == c && !key.IsCtrl && !key.IsAlt;
}
