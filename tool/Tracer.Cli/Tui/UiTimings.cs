using System.Diagnostics;
using System.Globalization;

namespace Tracer.Cli.Tui;

/// <summary>
/// For benchmarks (tests/benchmarks/replay-ui.py): with TRACER_UI_TIMINGS=PATH the UI appends one line per
/// measurement to PATH — the first frame and the first frame with events on it (ms since the process started), the
/// end of loading, and each key's time from being handled to its frame written to the terminal. Off: no cost.
/// </summary>
internal sealed class UiTimings
{
    public const string Variable = "TRACER_UI_TIMINGS";

    private readonly StreamWriter _out;
    private readonly Stopwatch _key = new();
    private readonly DateTime _processStart;
    private string? _pendingKey;
    private double _drawMs;
    private bool _firstFrame, _firstDataFrame, _loaded;

    private UiTimings(string path)
    {
        _out = new StreamWriter(path, append: true) { AutoFlush = true };
        using var self = Process.GetCurrentProcess();
        _processStart = self.StartTime;
    }

    /// <summary>The process's timings, or null when the variable is not set (the common case).</summary>
    public static UiTimings? Current { get; } =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? new UiTimings(path) : null;

    private double SinceStartMs => (DateTime.Now - _processStart).TotalMilliseconds;

    public void Mark(string what) => Write($"{what} ms={SinceStartMs:F0}");

    /// <summary>A key is about to be handled; the next frame written ends its measurement.</summary>
    public void KeyReceived(string key)
    {
        _pendingKey = key;
        _drawMs = 0;
        _key.Restart();
    }

    /// <summary>Time spent in a screen's own drawing code (part of a key's time).</summary>
    public void AddDrawMs(double ms) => _drawMs += ms;

    /// <summary>A frame was laid out, drawn and written out to the terminal.</summary>
    public void FrameDrawn(long events, bool finished)
    {
        if (!_firstFrame)
        {
            _firstFrame = true;
            Mark("first-frame");
        }

        if (!_firstDataFrame && events > 0)
        {
            _firstDataFrame = true;
            Write($"first-data-frame ms={SinceStartMs:F0} events={events}");
        }

        if (!_loaded && finished)
        {
            _loaded = true;
            Write($"loaded ms={SinceStartMs:F0} events={events}");
        }

        if (_pendingKey is not null)
        {
            Write($"key {_pendingKey} ms={_key.Elapsed.TotalMilliseconds:F1} draw={_drawMs:F1}");
            _pendingKey = null;
        }
    }

    private void Write(FormattableString line) => _out.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
