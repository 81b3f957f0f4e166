using System.CommandLine;
using Tracer.Cli;

LastResort.Install(Console.Error);
RootCommand root = CommandLineBuilder.Create();
return await CommandLineBuilder.InvokeAsync(root, args, Console.Out, Console.Error);
