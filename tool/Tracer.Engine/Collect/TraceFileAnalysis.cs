using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Collect;

/// <summary>Replays a saved .nettrace through exactly the path a live session uses.</summary>
public static class TraceFileAnalysis
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("Nettrace");

    /// <summary>Decodes and analyzes <paramref name="path"/>. Throws <see cref="TracerUserException"/> for input that is not a trace.</summary>
    public static TraceAnalyzer Analyze(string path, AnalysisOptions? options = null, Action<long, long>? progress = null)
    {
        var analyzer = new TraceAnalyzer(options);
        AnalyzeInto(path, analyzer, progress);
        return analyzer;
    }

    /// <summary>Like <see cref="Analyze"/>, into an analyzer the caller already holds (a UI can watch it fill up).</summary>
    public static void AnalyzeInto(string path, TraceAnalyzer analyzer, Action<long, long>? progress = null)
    {
        FileStream file = OpenChecked(path);
        try
        {
            (long safeLength, string? problem) = NettraceFraming.Scan(file);
            if (problem is not null)
            {
                analyzer.Model.AddNote($"{problem}: reading stops there");
            }

            using var decoder = new EventPipeDecoder(new ProgressStream(file, safeLength, progress), analyzer);
            decoder.Process();
        }
        catch (TraceFormatException ex)
        {
            throw new TracerUserException($"'{path}' is {ex.Message}");
        }
        finally
        {
            file.Dispose();
        }

        TraceMetadata? metadata = TraceMetadata.TryLoad(path);
        lock (analyzer.SyncRoot)
        {
            metadata?.ApplyTo(analyzer.Model);
        }

        if (metadata?.Snapshot is { } snapshot)
        {
            Snapshot.SnapshotMerge.Into(analyzer, snapshot, withinTrace: true); // what the live session's snapshot found
        }
    }

    /// <summary>
    /// Analyzes a trace and, when its sidecar lists child-process traces (written by `run` on a process tree), each
    /// child's trace too. The first element is <paramref name="path"/>'s. A missing or unreadable child trace becomes
    /// a note on the root, not an error.
    /// </summary>
    public static IReadOnlyList<ReportPart> AnalyzeTree(string path, AnalysisOptions? options = null, Action<long, long>? progress = null)
    {
        TraceAnalyzer root = Analyze(path, options, progress);
        return [new(root.Model, root.Findings.Snapshot()), .. AnalyzeChildren(path, options, root.Model.AddNote)];
    }

    /// <summary>
    /// The child-process traces that <paramref name="path"/>'s sidecar lists (none for a single-process trace), each
    /// analyzed on its own. A missing or unreadable child trace is passed to <paramref name="note"/>, not thrown.
    /// </summary>
    public static IReadOnlyList<ReportPart> AnalyzeChildren(string path, AnalysisOptions? options, Action<string> note)
    {
        var parts = new List<ReportPart>();
        TraceMetadata? manifest = TraceMetadata.TryLoad(path);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        foreach (TraceMetadata.ChildTrace child in manifest?.Children ?? [])
        {
            // Only plain file names next to the root are opened: a manifest is data, not a path to follow elsewhere.
            string name = Path.GetFileName(child.File);
            string childPath = Path.Combine(directory, name);
            try
            {
                TraceAnalyzer analyzer = Analyze(childPath, options);
                analyzer.Model.Process(child.Pid).ParentProcessId ??= child.ParentPid;
                parts.Add(new ReportPart(analyzer.Model, analyzer.Findings.Snapshot()));
            }
            catch (TracerUserException ex)
            {
                note($"child process {child.Pid}: {ex.Message}");
            }
        }

        return parts;
    }

    /// <summary>Throws <see cref="TracerUserException"/> now when <paramref name="path"/> is missing, unreadable or not a .nettrace.</summary>
    public static void EnsureReadable(string path) => OpenChecked(path).Dispose();

    private static FileStream OpenChecked(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // System.CommandLine takes an unknown option for the file argument: say what the user most likely meant.
            throw new TracerUserException(path.StartsWith('-')
                ? $"unknown option '{path}' (see --help)"
                : $"no such trace file: '{path}'");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TracerUserException($"cannot read '{path}': {ex.Message}");
        }

        Span<byte> head = stackalloc byte[8];
        int read;
        try
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            file.Dispose();
            throw new TracerUserException($"cannot read '{path}': {ex.Message}"); // e.g. /proc/self/mem, a directory
        }

        if (read == 0)
        {
            file.Dispose();
            throw new TracerUserException($"'{path}' is empty");
        }

        if (read < head.Length || !head.SequenceEqual(s_magic))
        {
            file.Dispose();
            throw new TracerUserException($"'{path}' is not a .nettrace file");
        }

        file.Position = 0;
        return file;
    }

    /// <summary>Reports (bytes read, total bytes) now and then, for progress on long replays.</summary>
    /// <summary>Reads at most <paramref name="limit"/> bytes (the soundly framed part).</summary>
    private sealed class ProgressStream(FileStream inner, long limit, Action<long, long>? progress) : Stream
    {
        private long _nextReport;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            long left = limit - inner.Position;
            if (left <= 0)
            {
                return 0;
            }

            int read = inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
            if (progress is not null && inner.Position >= _nextReport)
            {
                progress(inner.Position, inner.Length);
                _nextReport = inner.Position + (1 << 20);
            }

            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
