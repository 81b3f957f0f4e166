using Tracer.Demos;

// Usage: Tracer.Demos NAME [--fixed] [--wait-for-enter]   (normally started by `dotnet-tracer demo NAME`)
//        Tracer.Demos NAME --child ARGS...       (a child process that a demo started)
// --wait-for-enter: print "ready" and wait for a line on stdin first, so a tracer can attach before the bug happens.
if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("usage: Tracer.Demos NAME [--fixed] [--wait-for-enter]");
    foreach (DemoInfo d in DemoCatalog.All)
    {
        Console.WriteLine($"  {d.Name,-24} {d.Topic}: {d.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

DemoInfo? demo = DemoCatalog.Find(args[0]);
if (demo is null)
{
    Console.Error.WriteLine($"unknown demo '{args[0]}'");
    return 2;
}

if (args.Length > 1 && args[1] == "--child" && demo.RunChild is not null)
{
    return demo.RunChild(args[2..]); // a process the demo started itself: no banner, its output goes to the parent
}

bool fixedVariant = args.Skip(1).Any(a => a == "--fixed");
Console.WriteLine($"[{demo.Name}] {(fixedVariant ? "fixed" : "buggy")} variant, pid {Environment.ProcessId}");
if (args.Skip(1).Any(a => a == "--wait-for-enter"))
{
    Console.WriteLine("ready: press Enter to start");
    Console.ReadLine();
}

return demo.Run(fixedVariant);
