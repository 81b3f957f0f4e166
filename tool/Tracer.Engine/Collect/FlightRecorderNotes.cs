namespace Tracer.Engine.Collect;

/// <summary>The report note that says what the flight recorder saved and what it had to drop.</summary>
internal static class FlightRecorderNotes
{
    public static string Describe(FlightRecorderStats stats, FlightRecorderOptions options, string path)
    {
        var parts = new List<string>();
        string window = $"{options.Window.TotalSeconds:0.###} s";
        if (stats.Problem is not null && stats.SavedBytes == 0)
        {
            return $"flight recorder: nothing could be saved to {path} ({stats.Problem})";
        }

        parts.Add(stats.IntervalsDropped == 0
            ? $"flight recorder: the whole trace fit in the {window} window; saved {Mib(stats.SavedBytes)} to {path}"
            : $"flight recorder: saved the last {window} (from {stats.KeptFromMs / 1000 ?? 0:F2} s; cut at the runtime's sequence points, "
              + $"so a little more) and the stop's rundown, {Mib(stats.SavedBytes)} of {Mib(stats.ReceivedBytes)} received, to {path}; "
              + "the live findings cover the whole session");
        if (stats.IntervalsDroppedForCap > 0)
        {
            parts.Add($"{stats.IntervalsDroppedForCap} interval(s) inside the window were dropped to stay under {Mib(options.MaxBytes)}");
        }

        if (stats.SkippedBytes > 0)
        {
            parts.Add($"{Mib(stats.SkippedBytes)} of events were dropped because the runtime wrote no sequence point within {Mib(options.MaxBytes)} (readers count them as lost events)");
        }

        if (stats.MetadataDroppedBytes > 0)
        {
            parts.Add($"{Mib(stats.MetadataDroppedBytes)} of event metadata over the {Mib(options.MaxMetadataBytes)} cap were dropped (some events may read as unknown)");
        }

        if (stats.Problem is not null)
        {
            parts.Add($"the stream could not be followed to its end ({stats.Problem}); the file ends at the last whole block before that");
        }

        return string.Join("; ", parts);
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:N1} MiB";
}
