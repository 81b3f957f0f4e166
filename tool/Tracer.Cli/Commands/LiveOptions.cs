using System.CommandLine;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Collect;
using Tracer.Cli.Tracing;
using Tracer.Engine.Analysis;

namespace Tracer.Cli.Commands;

/// <summary>The options collect, run and demo share, added to a command and read back as <see cref="LiveSettings"/>.</summary>
internal sealed class LiveOptions
{
    private readonly Option<string?> _output = CommonOptions.Output();
    private readonly Option<TimeSpan?> _duration = CommonOptions.Duration();
    private readonly Option<bool> _noTui = CommonOptions.NoTui();
    private readonly Option<ReportFormat> _format = CommonOptions.Format();
    private readonly Option<IReadOnlySet<string>> _stopOn = CommonOptions.StopOn();
    private readonly Option<IReadOnlySet<string>> _failOn = CommonOptions.FailOn();
    private readonly Option<TimeSpan?> _hangAfter = CommonOptions.HangAfter();
    private readonly Option<int> _bufferSize = CommonOptions.BufferSize();
    private readonly Option<bool> _noSnapshot = new("--no-snapshot")
    {
        Description = "Take no snapshot (see the snapshot command): collect takes one when the process shows no lock activity after attach; "
            + "run and demo when tracing stops while the program still runs (a hang that sends no event, such as an async one).",
    };

    private readonly Option<bool> _tasks = new("--tasks")
    {
        Description = "collect: also record TplEventSource's task events (faulted tasks, task-fault). Off by default when attaching: every await in the target " +
            "takes a slower path while they are on (an async web app served ~20 % of its requests/s). run and demo always record them.",
    };

    private readonly Option<TimeSpan?> _flightRecorder = new("--flight-recorder")
    {
        Description = "Always-on mode: keep only the last DURATION of the trace in memory (e.g. 30s; at most 256 MiB) instead of "
            + "writing it as it comes, and write that window to the output when tracing stops: on a --stop-on finding "
            + "(default without --stop-on: " + string.Join(", ", FlightRecorderTriggers) + "), Ctrl+C, --duration or the target's exit. "
            + "The live analysis still sees every event.",
        CustomParser = CommonOptions.ParseDuration,
    };

    /// <summary>
    /// What ends a --flight-recorder session when --stop-on is not given: findings a healthy program does not produce.
    /// Not hang (a main thread parked in Join or a host's wait-for-shutdown is one) nor the advisory kinds.
    /// </summary>
    public static readonly IReadOnlyList<string> FlightRecorderTriggers =
        [FindingKinds.Deadlock, FindingKinds.Starvation, FindingKinds.Race];

    private readonly Option<bool> _noChildren = new("--no-children")
    {
        Description = "Do not trace .NET child processes (they are resumed untraced). By default every .NET descendant is traced from its first instruction into FILE.PID.nettrace.",
    };

    private readonly Option<bool> _cpuSampling = new("--cpu-sampling")
    {
        Description = "Also record CPU samples (Microsoft-DotNETCore-SampleProfiler: every managed thread's stack about every ms): "
            + "finds threads spinning in a loop, gives stacks of threads that emit no events, and lets dotnet-trace convert the trace "
            + "to speedscope. Costs the target CPU: see docs/performance.md.",
    };

    private readonly Option<IReadOnlyList<EventPipeProvider>> _providers = new("--providers")
    {
        Description = "Extra EventSources to record, as in dotnet-trace: Name[:Keywords[:Level[:key=value;...]]], comma separated "
            + "(e.g. Microsoft-AspNetCore-Hosting or MyCompany-Orders:0x1:Informational).",
        CustomParser = r =>
        {
            string text = string.Join(",", r.Tokens.Select(t => t.Value));
            if (ProviderSpecs.TryParse(text, out IReadOnlyList<EventPipeProvider> providers, out string? error))
            {
                return providers;
            }

            r.AddError($"--providers: {error}");
            return [];
        },
    };

    private readonly Option<bool> _force = new("--force")
    {
        Description = "Replace the --output file if it exists (without it an existing file is refused; default names never collide).",
    };

    private readonly Option<bool> _races = new("--races")
    {
        Description = "Find data races, thread-unsafe collection use and lock-order inversions with no code change: the program's own "
            + "assemblies are rewritten (IL instrumentation) into a private temporary copy, which is run and detects them itself "
            + "(vector clocks over every field access and synchronisation). The program's files are not modified. See README.",
    };

    private bool _launches;

    /// <summary>Adds the options; <paramref name="launches"/> adds the ones only launching commands have (--no-children)
    /// instead of the attach-only one (--no-snapshot).</summary>
    public static LiveOptions AddTo(Command command, bool launches = false)
    {
        var options = new LiveOptions { _launches = launches };
        if (launches)
        {
            command.Options.Add(options._noChildren);
            command.Options.Add(options._races);
        }

        command.Options.Add(options._output);
        command.Options.Add(options._duration);
        command.Options.Add(options._noTui);
        command.Options.Add(options._format);
        command.Options.Add(options._stopOn);
        command.Options.Add(options._failOn);
        command.Options.Add(options._hangAfter);
        command.Options.Add(options._flightRecorder);
        command.Options.Add(options._bufferSize);
        command.Options.Add(options._cpuSampling);
        command.Options.Add(options._providers);
        command.Options.Add(options._force);
        command.Options.Add(options._noSnapshot);
        if (!launches)
        {
            command.Options.Add(options._tasks);
        }
        return options;
    }

    public LiveSettings Read(ParseResult parse) => new()
    {
        OutputPath = parse.GetValue(_output),
        Duration = parse.GetValue(_duration),
        NoTui = parse.GetValue(_noTui),
        Format = parse.GetValue(_format),
        FlightRecorder = parse.GetValue(_flightRecorder),
        StopOn = HasStopOn(parse) || parse.GetValue(_flightRecorder) is null
            ? parse.GetValue(_stopOn) ?? new HashSet<string>()
            : new HashSet<string>(FlightRecorderTriggers),
        FailOn = parse.GetValue(_failOn) ?? new HashSet<string>(),
        Analysis = new AnalysisOptions { HangAfter = CommonOptions.HangAfterOf(parse, _hangAfter) },
        FollowChildren = !_launches || !parse.GetValue(_noChildren),
        NoSnapshot = parse.GetValue(_noSnapshot),
        TaskEvents = _launches || parse.GetValue(_tasks),
        BufferMegabytes = parse.GetValue(_bufferSize),
        CpuSampling = parse.GetValue(_cpuSampling),
        Force = parse.GetValue(_force),
        ExtraProviders = parse.GetValue(_providers) ?? [],
        Races = _launches && parse.GetValue(_races),
    };

    /// <summary>True when the user gave the option explicitly (so a demo's default does not override it).</summary>
    public bool HasStopOn(ParseResult parse) => parse.GetResult(_stopOn) is { Implicit: false };

    public bool HasDuration(ParseResult parse) => parse.GetResult(_duration) is { Implicit: false };
}
