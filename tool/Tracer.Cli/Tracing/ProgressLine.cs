using System.Globalization;
using Tracer.Engine.Collect;

namespace Tracer.Cli.Tracing;

/// <summary>The live one-line progress on stderr: elapsed, events, bytes, findings. Rewritten in place on a terminal.</summary>
internal sealed class ProgressLine(LiveTraceSession session, TextWriter stderr, bool interactive)
{
    public async Task RunAsync(CancellationToken stop)
    {
        TimeSpan period = interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Write(final: false);
            }
        }
        catch (OperationCanceledException)
        {
            // tracing ended
        }

        Write(final: true);
    }

    private void Write(bool final)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{session.Elapsed:mm\\:ss\\.f}] {session.Events,10:N0} events  {session.BytesWritten / 1024.0,9:N0} KiB  {session.Analyzer.Findings.Snapshot().Count} findings");
        if (interactive)
        {
            stderr.Write("\r" + line + (final ? Environment.NewLine : string.Empty));
        }
        else
        {
            stderr.WriteLine(line);
        }

        stderr.Flush();
    }
}
