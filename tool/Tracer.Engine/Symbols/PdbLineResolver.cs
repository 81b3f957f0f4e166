using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tracer.Engine.Symbols;

/// <summary>
/// IL offset of a method → source line, from the portable PDB next to the module (same base name, .pdb). The one
/// resolver of lines: trace frames (through <see cref="StackResolver"/>) and snapshot frames (ClrMD's IL offsets) ask
/// here. A PDB is used only when its id is the module's: the signature the trace recorded (ModuleLoad V2), else the
/// CodeView entry of the module file on disk, so a PDB rebuilt since names no wrong line. A missing, foreign or
/// unreadable PDB gives no lines, never an exception. PDBs are read once per module and kept; safe on any thread.
/// </summary>
public sealed class PdbLineResolver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Module, Guid Signature), MetadataReader?> _pdbs = new();
    private readonly Dictionary<(MetadataReader Pdb, int Token, int ILOffset), SourceLine?> _lines = new();
    // Keeps the PDBs' memory alive as long as their readers are cached.
    private readonly List<MetadataReaderProvider> _providers = [];

    /// <summary>The line of <paramref name="ilOffset"/> in method <paramref name="methodToken"/> (a MethodDef token) of
    /// the module at <paramref name="modulePath"/>; null when there is no usable PDB or no visible sequence point.</summary>
    /// <param name="pdbSignature">The PDB id the runtime reported for the module, or Guid.Empty when unknown.</param>
    public SourceLine? Find(string modulePath, Guid pdbSignature, uint methodToken, int ilOffset)
    {
        if (modulePath.Length == 0 || ilOffset < 0 || (methodToken >> 24) != 0x06)
        {
            return null; // not a MethodDef (dynamic methods, stubs)
        }

        lock (_gate)
        {
            MetadataReader? pdb = Pdb(modulePath, pdbSignature);
            if (pdb is null)
            {
                return null;
            }

            var key = (pdb, (int)methodToken, ilOffset);
            if (!_lines.TryGetValue(key, out SourceLine? line))
            {
                try
                {
                    line = LineOf(pdb, (int)(methodToken & 0xFFFFFF), ilOffset);
                }
                catch (BadImageFormatException)
                {
                    line = null; // a damaged PDB: no line for this method
                }
                _lines[key] = line;
            }

            return line;
        }
    }

    private MetadataReader? Pdb(string modulePath, Guid signature)
    {
        if (!_pdbs.TryGetValue((modulePath, signature), out MetadataReader? pdb))
        {
            pdb = Open(modulePath, signature);
            _pdbs[(modulePath, signature)] = pdb;
        }

        return pdb;
    }

    private MetadataReader? Open(string modulePath, Guid signature)
    {
        try
        {
            string pdbPath = Path.ChangeExtension(modulePath, ".pdb");
            if (!File.Exists(pdbPath))
            {
                return null;
            }

            Guid expected = signature != Guid.Empty ? signature : CodeViewSignature(modulePath);
            if (expected == Guid.Empty)
            {
                return null; // nothing to check the PDB against
            }

            using FileStream stream = File.OpenRead(pdbPath);
            MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(stream, MetadataStreamOptions.PrefetchMetadata);
            MetadataReader reader;
            try
            {
                reader = provider.GetMetadataReader();
            }
            catch
            {
                provider.Dispose();
                throw;
            }

            // A portable PDB's id is 20 bytes: the GUID the module's CodeView entry names, then a stamp.
            if (reader.DebugMetadataHeader is not { } header || header.Id.Length < 16 || new Guid(header.Id.AsSpan(0, 16)) != expected)
            {
                provider.Dispose();
                return null;
            }

            _providers.Add(provider);
            return reader;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return null; // a Windows PDB, a truncated file, a path the system refuses: no lines
        }
    }

    /// <summary>The PDB GUID the module file's CodeView debug entry names, or Guid.Empty.</summary>
    private static Guid CodeViewSignature(string modulePath)
    {
        if (!File.Exists(modulePath))
        {
            return Guid.Empty;
        }

        using FileStream stream = File.OpenRead(modulePath);
        using var pe = new PEReader(stream);
        foreach (DebugDirectoryEntry entry in pe.ReadDebugDirectory())
        {
            if (entry.Type == DebugDirectoryEntryType.CodeView)
            {
                return pe.ReadCodeViewDebugDirectoryData(entry).Guid;
            }
        }

        return Guid.Empty;
    }

    /// <summary>The visible sequence point with the largest IL offset not above <paramref name="ilOffset"/>.</summary>
    private static SourceLine? LineOf(MetadataReader pdb, int methodRow, int ilOffset)
    {
        if (methodRow == 0 || methodRow > pdb.GetTableRowCount(TableIndex.MethodDebugInformation))
        {
            return null;
        }

        MethodDebugInformation method = pdb.GetMethodDebugInformation(MetadataTokens.MethodDefinitionHandle(methodRow));
        SequencePoint? best = null;
        foreach (SequencePoint point in method.GetSequencePoints())
        {
            if (!point.IsHidden && point.Offset <= ilOffset && (best is null || point.Offset >= best.Value.Offset))
            {
                best = point;
            }
        }

        if (best is not { } found || found.Document.IsNil)
        {
            return null;
        }

        string document = pdb.GetString(pdb.GetDocument(found.Document).Name);
        return new SourceLine(SourceLine.FileName(document), found.StartLine);
    }
}
