namespace Tracer.Cli.Tui;

/// <summary>Every key the UI understands, as the help screen lists them.</summary>
internal static class KeyMap
{
    public static readonly IReadOnlyList<(string Keys, string What)> Global =
    [
        ("1-7 Tab Shift+Tab", "switch screen (1 Overview … 7 Processes)"),
        ("F1, ?", "this help (any key closes it)"),
        ("q", "quit (live: asks, stops tracing, finishes the file)"),
        ("Ctrl+C", "quit without asking (live: still finishes the file)"),
        ("↑ ↓ PgUp PgDn Home End", "move the selection / scroll"),
        ("Enter", "open a finding (Overview), a lock's stacks (Locks), show a process of a tree (Processes)"),
    ];

    public static readonly IReadOnlyList<(string Keys, string What)> Timeline =
    [
        ("← →", "move the time cursor (pans at the edges)"),
        ("↑ ↓ PgUp PgDn", "select a thread lane"),
        ("+ -", "zoom in / out around the cursor"),
        ("[ ]", "pan half a view back / forward"),
        ("Home End", "cursor to the first / last column"),
        ("z", "zoom out to the whole trace"),
        ("s", "sort lanes by name / by blocked time"),
    ];

    public static readonly IReadOnlyList<(string Keys, string What)> Events =
    [
        ("/", "filter by thread, kind or text (Enter / Esc)"),
    ];

    public static IEnumerable<string> HelpLines()
    {
        yield return "KEYS";
        foreach ((string keys, string what) in Global)
        {
            yield return $"  {keys,-20} {what}";
        }

        yield return "THREADS TIMELINE";
        foreach ((string keys, string what) in Timeline)
        {
            yield return $"  {keys,-20} {what}";
        }

        yield return "EVENTS";
        foreach ((string keys, string what) in Events)
        {
            yield return $"  {keys,-20} {what}";
        }

        yield return string.Empty;
        yield return $"timeline glyphs: {StateGlyphs.Legend}";
    }
}
