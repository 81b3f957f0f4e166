using BenchmarkDotNet.Running;
using Tracer.Benchmarks;

// `workload [iterations]`: the probe-heavy program for the traced-vs-untraced slowdown (prints its own work time).
// Anything else: BenchmarkDotNet (e.g. --filter *DisabledProbe*).
if (args.Length > 0 && args[0] == "workload")
{
    return ProbeWorkload.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
}

BenchmarkSwitcher.FromAssembly(typeof(ProbeWorkload).Assembly).Run(args);
return 0;
