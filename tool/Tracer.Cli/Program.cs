using System.CommandLine;
using Tracer.Cli;
using Tracer.Cli.Commands;

RootCommand root = CommandLineBuilder.Create();
return await CommandLineBuilder.InvokeAsync(root, args, Console.Out, Console.Error);
