namespace Tracer.Cli.Tui.Screens;

/// <summary>The timeline's visible time window and cursor column: zoom around the cursor, pan by half a view.</summary>
internal sealed class TimelineView
{
    private const double MinSpanMs = 0.01;
    private double _traceStart, _traceEnd;

    public double Start { get; private set; }
    public double Span { get; private set; } = 1;
    public int Cursor { get; set; }
    /// <summary>False while the whole trace is in view; a live trace then keeps growing into it.</summary>
    public bool IsZoomed { get; private set; }
    public double ZoomFactor => FullSpan / Span;

    private double FullSpan => Math.Max(_traceEnd - _traceStart, MinSpanMs);

    public double CursorMs(int width) => Start + (Cursor + 0.5) * Span / Math.Max(1, width);

    public void SetBounds(double start, double end)
    {
        _traceStart = start;
        _traceEnd = end;
        if (!IsZoomed)
        {
            Reset();
        }
        else
        {
            // Other bounds (another process of a tree shown): a zoomed window stays inside them.
            Span = Math.Min(Span, FullSpan);
            IsZoomed = Span < FullSpan;
            Clamp();
        }
    }

    public void Reset()
    {
        IsZoomed = false;
        Start = _traceStart;
        Span = FullSpan;
    }

    public void MoveCursor(int delta, int width)
    {
        int next = Cursor + delta;
        if (next < 0 || next >= width)
        {
            Pan(Math.Sign(delta) * 0.25);
            next = Math.Clamp(next, 0, width - 1);
        }

        Cursor = next;
    }

    /// <summary>Multiplies the span by <paramref name="factor"/>, keeping the time under the cursor where it is.</summary>
    public void Zoom(double factor, int width)
    {
        double anchor = CursorMs(width);
        double fraction = (Cursor + 0.5) / Math.Max(1, width);
        Span = Math.Clamp(Span * factor, MinSpanMs, FullSpan);
        IsZoomed = Span < FullSpan;
        Start = anchor - fraction * Span;
        Clamp();
    }

    /// <summary>Moves the window by <paramref name="views"/> of its own width (negative: back in time).</summary>
    public void Pan(double views)
    {
        if (!IsZoomed)
        {
            return;
        }

        Start += views * Span;
        Clamp();
    }

    private void Clamp() => Start = Math.Clamp(Start, _traceStart, Math.Max(_traceStart, _traceStart + FullSpan - Span));
}
