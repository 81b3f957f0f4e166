using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Tracer.Rewriter;

/// <summary>What happened to one assembly.</summary>
public sealed record RewriteOutcome(string Assembly, bool Rewritten, int Edits, string? Reason);

/// <summary>
/// Rewrites one assembly in place (in the private copy): shadow fields, instrumented bodies, the portable PDB rewritten
/// with it so lines stay right. ReadyToRun code is dropped (the image is written IL-only), so precompiled code cannot
/// bypass the instrumentation; the public key is kept (InternalsVisibleTo still matches; .NET does not check
/// strong-name signatures).
/// </summary>
internal static class ModuleRewriter
{
    public static RewriteOutcome Rewrite(string path, RedirectTable table, SiteTable sites, IReadOnlyList<string> searchDirectories)
    {
        string name = Path.GetFileName(path);
        try
        {
            using var resolver = new DefaultAssemblyResolver();
            foreach (string directory in searchDirectories)
            {
                resolver.AddSearchDirectory(directory);
            }

            bool symbols = true;
            ModuleDefinition module;
            try
            {
                module = ModuleDefinition.ReadModule(path, new ReaderParameters { InMemory = true, ReadSymbols = true, AssemblyResolver = resolver });
            }
            catch (Exception ex) when (ex is SymbolsNotFoundException or BadImageFormatException or InvalidOperationException)
            {
                symbols = false;
                module = ModuleDefinition.ReadModule(path, new ReaderParameters { InMemory = true, AssemblyResolver = resolver });
            }

            using (module)
            {
                bool readyToRun = IsReadyToRun(path);
                if ((module.Attributes & ModuleAttributes.ILOnly) == 0 && !readyToRun)
                {
                    return new RewriteOutcome(name, false, 0, "mixed-mode (C++/CLI native code) assembly");
                }

                int edits = Instrument(module, table, sites);
                // Written IL-only: the ReadyToRun code (which would bypass the checks) is not carried over.
                module.Attributes = (module.Attributes | ModuleAttributes.ILOnly) & ~ModuleAttributes.ILLibrary;
                if (readyToRun)
                {
                    module.Architecture = PlainMachine(module.Architecture);
                }
                bool externalPdb = File.Exists(Path.ChangeExtension(path, ".pdb"));
                var parameters = new WriterParameters
                {
                    WriteSymbols = symbols,
                    SymbolWriterProvider = !symbols ? null : externalPdb ? new PortablePdbWriterProvider() : new EmbeddedPortablePdbWriterProvider(),
                };
                module.Write(path, parameters);
                return new RewriteOutcome(name, true, edits, null);
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException or NotSupportedException or IOException or ArgumentException or AssemblyResolutionException or NullReferenceException)
        {
            return new RewriteOutcome(name, false, 0, ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>A ReadyToRun image has a managed native header (crossgen also clears its IL-only flag).</summary>
    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>
    /// ReadyToRun images for Linux/macOS/FreeBSD mark their machine XOR an OS constant; an IL-only image must carry the
    /// plain machine or the loader refuses it.
    /// </summary>
    private static TargetArchitecture PlainMachine(TargetArchitecture machine)
    {
        TargetArchitecture[] known = [TargetArchitecture.I386, TargetArchitecture.AMD64, TargetArchitecture.ARM64, TargetArchitecture.ARMv7, TargetArchitecture.ARM];
        if (known.Contains(machine))
        {
            return machine;
        }

        foreach (int os in new[] { 0x7B79, 0x4644, 0xADC4, 0x1993, 0x1992 })
        {
            var plain = (TargetArchitecture)((int)machine ^ os);
            if (known.Contains(plain))
            {
                return plain;
            }
        }

        return machine;
    }

    private static int Instrument(ModuleDefinition module, RedirectTable table, SiteTable sites)
    {
        var refs = new RuntimeRefs(module, table);
        Dictionary<FieldDefinition, FieldDefinition> shadows = FieldShadows.Add(module, refs.ShadowCell);
        var flows = new Dictionary<TypeDefinition, FieldDefinition>();
        foreach (TypeDefinition type in module.GetTypes().Where(FieldShadows.IsAsyncStateMachine).ToList())
        {
            var flow = new FieldDefinition("<>race_flow", FieldAttributes.Public | FieldAttributes.NotSerialized, refs.AsyncFlow);
            type.Fields.Add(flow);
            flows[type] = flow;
        }

        var instrumenter = new MethodInstrumenter(refs, shadows, flows, sites);
        int edits = 0;
        foreach (TypeDefinition type in module.GetTypes().ToList())
        {
            foreach (MethodDefinition method in type.Methods.ToList())
            {
                edits += instrumenter.Instrument(method);
            }
        }

        return edits;
    }
}
