using System.CommandLine;
using Tracer.Cli;

if (args is [Tracer.Engine.Snapshot.IsolatedSnapshot.ChildVerb, .. var readerArgs])
{
    return Tracer.Engine.Snapshot.IsolatedSnapshot.ChildMain(readerArgs, Console.Out, Console.Error); // a snapshot's reader, isolated
}

LastResort.Install(Console.Error);
RootCommand root = CommandLineBuilder.Create();
return await CommandLineBuilder.InvokeAsync(root, args, Console.Out, Console.Error);
