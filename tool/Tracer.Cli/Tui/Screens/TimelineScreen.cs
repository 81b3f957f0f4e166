using System.Globalization;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Cli.Tui.Screens;

/// <summary>
/// Screen 2: one lane per thread, time left to right, a glyph and colour per state. A time cursor (←→), lane
/// selection (↑↓), zoom (+ -), pan ([ ]), sort by name or blocked time (s). The status line says what is under it.
/// </summary>
internal sealed class TimelineScreen(Theme theme) : ScreenView(theme)
{
    private readonly TimelineView _view = new();
    private List<ThreadLane> _lanes = [];
    private bool _sortByBlocked;
    private int _lane;
    private int _laneTop;
    private (TuiSnapshot Snapshot, double Start, double Span, int Width, bool Sort) _cacheKey;
    private byte[][] _columns = [];

    public override string TabTitle => "Threads";

    /// <summary>The cursor's time in trace ms (for tests and the status line).</summary>
    public double CursorMs => _view.CursorMs(PlotWidth);

    public int CursorColumn => _view.Cursor;

    private int LabelWidth => Math.Clamp(Cols / 4, 12, 26);
    private int PlotWidth => Math.Max(1, Cols - LabelWidth - 1);
    private int LaneRows => Math.Max(1, Rows - 2);

    public override string Status
    {
        get
        {
            if (_lanes.Count == 0)
            {
                return "no threads yet";
            }

            ThreadLane lane = _lanes[Math.Clamp(_lane, 0, _lanes.Count - 1)];
            double t = CursorMs;
            string at = string.Create(CultureInfo.InvariantCulture, $"{lane.Name} ({lane.ThreadId}) @ {(t - Snapshot.StartMs) / 1000:F3} s: ");
            int index = TimelineColumns.LastAtOrBefore(lane.Points, t);
            if (index < 0)
            {
                return at + "not seen yet";
            }

            StatePoint p = lane.Points[index];
            double end = index + 1 < lane.Points.Count ? lane.Points[index + 1].TimeMs : Snapshot.EndMs;
            string subject = p.State switch
            {
                ThreadState.WaitingOnLock => " " + Names.Lock(Snapshot.LockName(p.Subject)).Replace("lock ", string.Empty, StringComparison.Ordinal),
                ThreadState.WaitingOnHandle when p.Subject != 0 => $" 0x{p.Subject:x}",
                _ => string.Empty,
            };
            string until = index + 1 < lane.Points.Count ? string.Empty : " (to the end)";
            return $"{at}{StateGlyphs.Describe(p.State)}{subject} for {Names.Seconds(end - p.TimeMs)}{until}";
        }
    }

    protected override void OnSnapshot()
    {
        int selectedTid = _lanes.Count > 0 ? _lanes[Math.Clamp(_lane, 0, _lanes.Count - 1)].ThreadId : -1;
        _lanes = Order(Snapshot.Lanes);
        int index = _lanes.FindIndex(l => l.ThreadId == selectedTid);
        _lane = index >= 0 ? index : Math.Clamp(_lane, 0, Math.Max(0, _lanes.Count - 1));
        _view.SetBounds(Snapshot.StartMs, Snapshot.EndMs);
    }

    private List<ThreadLane> Order(IReadOnlyList<ThreadLane> lanes) => _sortByBlocked
        ? [.. lanes.OrderByDescending(l => l.BlockedMs).ThenBy(l => l.Name, StringComparer.Ordinal)]
        : [.. lanes.OrderBy(l => l.Name, StringComparer.Ordinal).ThenBy(l => l.ThreadId)];

    public override bool HandleKey(Key key)
    {
        int width = PlotWidth;
        if (key == Key.CursorLeft) { _view.MoveCursor(-1, width); }
        else if (key == Key.CursorRight) { _view.MoveCursor(1, width); }
        else if (key == Key.CursorUp) { _lane = Math.Max(0, _lane - 1); }
        else if (key == Key.CursorDown) { _lane = Math.Min(_lanes.Count - 1, _lane + 1); }
        else if (key == Key.PageUp) { _lane = Math.Max(0, _lane - LaneRows); }
        else if (key == Key.PageDown) { _lane = Math.Max(0, Math.Min(_lanes.Count - 1, _lane + LaneRows)); }
        else if (key == Key.Home) { _view.Cursor = 0; }
        else if (key == Key.End) { _view.Cursor = width - 1; }
        else if (IsChar(key, '+') || IsChar(key, '=')) { _view.Zoom(0.5, width); }
        else if (IsChar(key, '-') || IsChar(key, '_')) { _view.Zoom(2, width); }
        else if (IsChar(key, '[') || IsChar(key, '<')) { _view.Pan(-0.5); }
        else if (IsChar(key, ']') || IsChar(key, '>')) { _view.Pan(0.5); }
        else if (IsChar(key, 'z')) { _view.Reset(); }
        else if (IsChar(key, 's')) { _sortByBlocked = !_sortByBlocked; _lanes = Order(_lanes); }
        else { return false; }

        SetNeedsDraw();
        return true;
    }

    protected override void DrawScreen()
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        int width = PlotWidth, labelWidth = LabelWidth;
        _view.Cursor = Math.Clamp(_view.Cursor, 0, width - 1);
        byte[][] columns = Columns(width);
        DrawAxis(labelWidth, width);

        _laneTop = Math.Clamp(_laneTop, Math.Max(0, _lane - LaneRows + 1), Math.Max(0, _lane));
        for (int row = 0; row < LaneRows && _laneTop + row < _lanes.Count; row++)
        {
            int index = _laneTop + row;
            ThreadLane lane = _lanes[index];
            int y = row + 1;
            string label = Names.Fit($"{lane.Name} {lane.ThreadId}", labelWidth).PadRight(labelWidth);
            Put(0, y, label, index == _lane ? Role.Selected : Role.Normal);
            byte[] cells = columns[index];
            for (int c = 0; c < width; c++)
            {
                byte state = cells[c];
                char glyph = state == TimelineColumns.NoState ? StateGlyphs.None : StateGlyphs.Of((ThreadState)state);
                Role role = c == _view.Cursor ? Role.Cursor : state == TimelineColumns.NoState ? Role.Normal : Theme.RoleOf((ThreadState)state);
                PutChar(labelWidth + 1 + c, y, glyph, role);
            }
        }

        string zoom = _view.IsZoomed ? string.Create(CultureInfo.InvariantCulture, $" · zoom ×{_view.ZoomFactor:0.#}") : string.Empty;
        Put(0, Rows - 1, $"{StateGlyphs.Legend}{zoom} · sort: {(_sortByBlocked ? "blocked" : "name")}", Role.Dim);
        UiTimings.Current?.AddDrawMs(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void DrawAxis(int labelWidth, int width)
    {
        Put(0, 0, Names.Fit($"thread ({_lanes.Count})", labelWidth), Role.Title);
        double start = (_view.Start - Snapshot.StartMs) / 1000, end = (_view.Start + _view.Span - Snapshot.StartMs) / 1000;
        string left = string.Create(CultureInfo.InvariantCulture, $"{start:F3} s");
        string right = string.Create(CultureInfo.InvariantCulture, $"{end:F3} s");
        Put(labelWidth + 1, 0, left, Role.Dim);
        Put(Math.Max(labelWidth + 1 + left.Length + 1, labelWidth + 1 + width - right.Length), 0, right, Role.Dim);
        int marker = labelWidth + 1 + _view.Cursor;
        if (marker > labelWidth + left.Length && marker < labelWidth + 1 + width - right.Length)
        {
            Put(marker, 0, "▼", Role.Title);
        }
    }

    private byte[][] Columns(int width)
    {
        var key = (Snapshot, _view.Start, _view.Span, width, _sortByBlocked);
        if (key != _cacheKey || _columns.Length != _lanes.Count)
        {
            double columnMs = _view.Span / width;
            _columns = [.. _lanes.Select(l => TimelineColumns.Summarize(l.Points, Snapshot.EndMs, _view.Start, columnMs, width))];
            _cacheKey = key;
        }

        return _columns;
    }
}
