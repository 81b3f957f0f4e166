using System.Globalization;
using Tracer.PerfHarness;

// Usage:
//   Tracer.PerfHarness [--events 1000000] [--out docs-table.md]   run every benchmark, print a markdown table
//   Tracer.PerfHarness convoy-target THREADS SECONDS                  the traced workload (used by the benchmarks)
//   Tracer.PerfHarness measure-report FILE                            analyze FILE once, print events and peak RSS
//   Tracer.PerfHarness decode FILE                                    bare loop vs full analysis on FILE, 3 runs each
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return args.FirstOrDefault() switch
{
    "convoy-target" => ConvoyTarget.Run(int.Parse(args[1]), double.Parse(args[2])),
    "spin-target" => ConvoyTarget.Run(int.Parse(args[1]), double.Parse(args[2]), yieldInside: false),
    "measure-report" => Measurements.MeasureReport(args[1]),
    "decode" => Measurements.CompareDecode(args[1]),
    _ => await Benchmarks.RunAllAsync(args),
};
