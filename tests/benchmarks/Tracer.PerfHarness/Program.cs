using System.Globalization;
using Tracer.PerfHarness;

// Usage:
//   Tracer.PerfHarness [--events 1000000] [--out docs-table.md]   run every benchmark, print a markdown table
//   Tracer.PerfHarness convoy-target THREADS SECONDS                  the traced workload (used by the benchmarks)
//   Tracer.PerfHarness measure-report FILE                            analyze FILE once, print events and peak RSS
//   Tracer.PerfHarness decode FILE [ROUNDS]                           bare loop vs full analysis on FILE, best of 5 (or ROUNDS)
//   Tracer.PerfHarness tpl-cost [SECONDS [ROUNDS]]                  requests/s of an ASP.NET Core app untraced and under TPL task events
//   Tracer.PerfHarness async-web-target PORT SECONDS                  that app (used by tpl-cost)
//   Tracer.PerfHarness analyse FILE N                                 the full analysis N times, nothing else (to profile)
//   Tracer.PerfHarness web [ROUNDS] [CONNECTIONS]                     requests/s of a web service untraced / traced (docs/performance.md)
//   Tracer.PerfHarness tui-lock FILE [ROUNDS]                          how long a TUI snapshot holds the analyzer's lock
//   Tracer.PerfHarness web-target                                     that service (Kestrel on a loopback port it prints)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return args.FirstOrDefault() switch
{
    "convoy-target" => ConvoyTarget.Run(int.Parse(args[1]), double.Parse(args[2])),
    "spin-target" => ConvoyTarget.Run(int.Parse(args[1]), double.Parse(args[2]), yieldInside: false),
    "measure-report" => Measurements.MeasureReport(args[1]),
    "decode" => Measurements.CompareDecode(args[1], args.Length > 2 ? int.Parse(args[2]) : 5),
    "web" => await WebBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 3, args.Length > 2 ? int.Parse(args[2]) : 16),
    "web-target" => await WebTarget.RunAsync(),
    "tpl-cost" => await TplCost.RunAsync(args.Length > 1 ? double.Parse(args[1]) : 8, args.Length > 2 ? int.Parse(args[2]) : 3),
    "async-web-target" => AsyncWebTarget.Run(int.Parse(args[1]), double.Parse(args[2])),
    "tui-lock" => TuiLockHold.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 50),
    "analyse" => Measurements.AnalyseRepeatedly(args[1], int.Parse(args[2])),
    _ => await Benchmarks.RunAllAsync(args),
};
