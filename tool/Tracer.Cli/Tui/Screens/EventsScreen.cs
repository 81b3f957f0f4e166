using System.Globalization;
using Terminal.Gui.Input;
using Tracer.Engine.Events;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 6: the raw decoded events (the most recent 100k), filterable with `/` by thread, kind or text.</summary>
internal sealed class EventsScreen(Theme theme) : LinesScreen(theme)
{
    private string _filter = string.Empty;
    private string? _editing;
    private int _shown;

    public override string TabTitle => "Events";
    public override bool WantsEvents => true;
    public override bool CapturesKeys => _editing is not null;

    public override string Status => _editing is not null ? "type a filter · Enter applies · Esc cancels" : "/ filters by thread, kind or text · ↑↓ PgUp PgDn Home End";

    protected override IReadOnlyList<Line> Header =>
    [
        _editing is not null
            ? new Line($"filter: /{_editing}▏", Role.Warning)
            : new Line(string.Format(CultureInfo.InvariantCulture, "{0:N0} events shown of {1:N0} kept{2}{3}", _shown, Snapshot.Events.Length,
                Snapshot.EventsDropped > 0 ? string.Format(CultureInfo.InvariantCulture, " ({0:N0} older not kept)", Snapshot.EventsDropped) : string.Empty,
                _filter.Length > 0 ? $" · filter /{_filter}" : " · / filters"), Role.Title),
        new Line($"{"time ms",11}  {"thread",-22} {"event",-16} details", Role.Dim),
    ];

    public static string Format(in TraceRecord e, TuiSnapshot s)
    {
        string details = e.Kind switch
        {
            TraceEventKind.ContentionStart => $"owner {(e.OwnerThreadId == 0 ? "?" : s.ThreadName(e.OwnerThreadId))}, lock 0x{e.LockId:x}",
            TraceEventKind.ContentionStop => string.Create(CultureInfo.InvariantCulture, $"waited {e.DurationNs / 1e6:F3} ms"),
            TraceEventKind.WaitStart => $"{e.WaitSource} object 0x{e.ObjectId:x}",
            TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolWorkerWait => $"workers {e.Value}",
            TraceEventKind.PoolAdjustment => $"workers {e.Value} reason {e.Reason}",
            TraceEventKind.CounterSample => string.Create(CultureInfo.InvariantCulture, $"{Engine.Reports.TextSanitizer.Clean(e.Text)} = {e.Amount:G4}"),
            _ => e.Text is null ? string.Empty : Engine.Reports.TextSanitizer.Clean(e.Text),
        };
        string thread = $"{s.ThreadName(e.ThreadId)} {e.ThreadId}";
        return string.Format(CultureInfo.InvariantCulture, "{0,11:F3}  {1,-22} {2,-16} {3}", e.TimeMs - s.StartMs, Names.Fit(thread, 22), e.Kind, details);
    }

    public override bool HandleKey(Key key)
    {
        if (_editing is not null)
        {
            EditFilter(key);
            return true;
        }

        if (IsChar(key, '/'))
        {
            _editing = _filter;
            SetNeedsDraw();
            return true;
        }

        return base.HandleKey(key);
    }

    private void EditFilter(Key key)
    {
        if (key == Key.Enter)
        {
            _filter = _editing!.Trim();
            _editing = null;
            Rebuild();
            ScrollToEnd();
        }
        else if (key == Key.Esc)
        {
            _editing = null;
        }
        else if (key == Key.Backspace)
        {
            _editing = _editing!.Length > 0 ? _editing[..^1] : _editing;
        }
        else if (key.AsRune.Value >= ' ' && !key.IsCtrl && !key.IsAlt && _editing!.Length < 60)
        {
            _editing += key.AsRune.ToString();
        }

        SetNeedsDraw();
    }

    protected override void OnSnapshot()
    {
        bool follow = AtEnd; // a person reading older events is not yanked to the end by new ones
        Rebuild();
        if (follow)
        {
            ScrollToEnd();
        }
    }

    protected override List<Line> BuildLines()
    {
        var lines = new List<Line>();
        foreach (TraceRecord e in Snapshot.Events)
        {
            string text = Format(e, Snapshot);
            if (_filter.Length == 0 || text.Contains(_filter, StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(new Line(text, e.Kind is TraceEventKind.ContentionStart ? Role.LockWait : Role.Normal));
            }
        }

        _shown = lines.Count;
        if (lines.Count == 0)
        {
            lines.Add(new Line(Snapshot.Events.Length == 0 ? "no events yet" : "no event matches the filter", Role.Dim));
        }

        return lines;
    }
}
