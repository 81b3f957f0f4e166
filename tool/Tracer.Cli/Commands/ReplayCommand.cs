using System.CommandLine;
using Tracer.Cli.Output;
using Tracer.Cli.Tui;
using Tracer.Engine;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;

namespace Tracer.Cli.Commands;

/// <summary>`replay FILE`: the terminal UI over a saved .nettrace, filled while the file is decoded.</summary>
internal static class ReplayCommand
{
    private static readonly Argument<string> s_file = new("file") { Description = "A .nettrace written by dotnet-tracer or dotnet-trace." };
    private static readonly Option<TimeSpan?> s_hangAfter = CommonOptions.HangAfter();
    private static readonly Option<bool> s_noTui = new("--no-tui") { Description = "Print the text report (as `report FILE`) instead of opening the terminal UI." };

    public static Command Create()
    {
        var command = new Command("replay", CommandHelp.WithExamples(
            "Open the terminal UI over a saved .nettrace (plain report when not on a terminal).",
            "replay svc.nettrace",
            "replay svc.nettrace --hang-after 5s"))
        {
            s_file, s_hangAfter, s_noTui,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(
            parse.GetValue(s_file)!, new AnalysisOptions { HangAfter = CommonOptions.HangAfterOf(parse, s_hangAfter) },
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(s_noTui))));
        return command;
    }

    internal static int Run(string file, AnalysisOptions options, TextWriter stdout, TextWriter stderr, bool noTui = false)
    {
        TraceFileAnalysis.EnsureReadable(file); // a bad path is one line and exit 2, before the screen changes
        if (noTui || !TuiHost.CanRun)
        {
            if (!noTui)
            {
                stderr.WriteLine(TuiHost.NotATerminal);
            }

            return ReportCommand.Run(file, ReportFormat.Text, new HashSet<string>(), options, stdout, stderr);
        }

        UiTimings.Current?.Mark("replay-start");
        var analyzer = new TraceAnalyzer(options);
        using var failed = new CancellationTokenSource();
        var source = new SnapshotSource(analyzer, file);
        var loader = new TraceLoader(file, analyzer, source, failed);
        loader.Start();
        var session = new TuiSession
        {
            IsLive = false,
            Title = $"replay of {file}",
            IsFinished = () => loader.Done,
            Progress = loader.Describe,
            ExternalStop = failed.Token,
            FirstFrameDrawn = loader.UiShown,
        };
        TuiHost.Run(session, source);
        if (loader.Failure is TracerUserException userError)
        {
            throw userError;
        }

        if (loader.Failure is not null)
        {
            throw new InvalidOperationException("reading the trace failed", loader.Failure);
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Decodes the file on its own thread so that the UI shows progress (and the first findings) at once; then the
    /// child-process traces of a process tree, for the Processes screen.
    /// </summary>
    private sealed class TraceLoader(string file, TraceAnalyzer analyzer, SnapshotSource source, CancellationTokenSource failed)
    {
        /// <summary>Decoded before the loader waits for the UI's first frame: enough for counts and early findings.</summary>
        private const long HeadStartBytes = 1 << 20;
        /// <summary>The longest the loader waits for the first frame (a UI that never draws must not stop loading).</summary>
        private static readonly TimeSpan s_maxPause = TimeSpan.FromSeconds(3);
        private readonly ManualResetEventSlim _uiShown = new();
        private volatile bool _children;
        private long _read;
        private long _total = 1;
        private volatile bool _done;

        public bool Done => _done;
        public Exception? Failure { get; private set; }

        public void Start() => new Thread(Load) { IsBackground = true, Name = "tracer-replay" }.Start();

        /// <summary>The first frame is drawn: decoding no longer competes with starting the UI for the cores.</summary>
        public void UiShown() => _uiShown.Set();

        public string Describe() =>
            Failure is not null ? "loading failed"
            : _done ? "loaded"
            : _children ? "loading child-process traces"
            : $"loading {100 * Interlocked.Read(ref _read) / Math.Max(1, Interlocked.Read(ref _total))} %";

        private void Load()
        {
            try
            {
                TraceFileAnalysis.AnalyzeInto(file, analyzer, (read, total) =>
                {
                    Interlocked.Exchange(ref _total, total);
                    Interlocked.Exchange(ref _read, read);
                    if (read >= HeadStartBytes && !_uiShown.IsSet && !analyzer.SyncRoot.IsHeldByCurrentThread)
                    {
                        // Starting the UI is mostly JIT on the same (often 2) cores: a head start of events is
                        // enough for the first screen, the rest loads after it, with the Overview filling in.
                        _uiShown.Wait(s_maxPause);
                    }
                });
                _children = true;
                source.SetChildren(TraceFileAnalysis.AnalyzeChildren(file, analyzer.Options, note =>
                {
                    lock (analyzer.SyncRoot)
                    {
                        analyzer.Model.AddNote(note);
                    }
                }));
            }
            catch (Exception ex)
            {
                Failure = ex;
                failed.Cancel();
            }
            finally
            {
                _done = true;
            }
        }
    }
}
