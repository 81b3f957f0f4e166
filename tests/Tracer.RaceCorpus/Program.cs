using Tracer.RaceCorpus;

// One case per run: `Tracer.RaceCorpus NAME`. Racy cases start with "racy-", race-free twins with "free-",
// lock-order inversions with "order-". `list` prints them all.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Tracer.RaceCorpus CASE | list");
    return 2;
}

if (args[0] == "list")
{
    foreach (string name in Cases.All.Keys.Order(StringComparer.Ordinal))
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (!Cases.All.TryGetValue(args[0], out Func<Task>? run))
{
    Console.Error.WriteLine($"no case named '{args[0]}'");
    return 2;
}

await run();
Console.WriteLine($"{args[0]}: done");
return 0;
