using System.Text.Json.Nodes;

namespace Tracer.Rewriter;

/// <summary>
/// Which assemblies of an app are its own, and so rewritten: the entry assembly and every "project" library of its
/// deps.json (what the app's own build produced), plus Tracer.Probes (so probed code keeps its stated intent).
/// NuGet packages and the shared framework run unchanged. Without a deps.json only the entry assembly is rewritten.
/// </summary>
internal static class AssemblySelection
{
    public const string ProbesAssembly = "Tracer.Probes.dll";

    public static IReadOnlyList<string> OwnAssemblies(string entryAssembly)
    {
        string directory = Path.GetDirectoryName(entryAssembly)!;
        var own = new SortedSet<string>(StringComparer.Ordinal) { Path.GetFileName(entryAssembly) };
        if (File.Exists(Path.Combine(directory, ProbesAssembly)))
        {
            own.Add(ProbesAssembly);
        }

        string deps = Path.ChangeExtension(entryAssembly, ".deps.json");
        if (File.Exists(deps) && JsonNode.Parse(File.ReadAllText(deps)) is JsonObject root)
        {
            var projects = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string library, JsonNode? info) in root["libraries"]?.AsObject() ?? [])
            {
                if (info?["type"]?.GetValue<string>() == "project")
                {
                    projects.Add(library);
                }
            }

            foreach ((string _, JsonNode? target) in root["targets"]?.AsObject() ?? [])
            {
                foreach ((string library, JsonNode? assets) in target?.AsObject() ?? [])
                {
                    if (!projects.Contains(library))
                    {
                        continue;
                    }

                    foreach ((string asset, JsonNode? _) in assets?["runtime"]?.AsObject() ?? [])
                    {
                        string file = Path.GetFileName(asset);
                        if (File.Exists(Path.Combine(directory, file)))
                        {
                            own.Add(file);
                        }
                    }
                }
            }
        }

        return [.. own];
    }

    /// <summary>Lists the runtime assembly in the copy's deps.json, so the host puts it on the app's assembly path.</summary>
    public static void AddRuntimeToDeps(string depsPath, string runtimeName, string version)
    {
        if (!File.Exists(depsPath) || JsonNode.Parse(File.ReadAllText(depsPath)) is not JsonObject root)
        {
            return; // no deps.json: the host probes the app directory
        }

        string key = $"{runtimeName}/{version}";
        foreach ((string _, JsonNode? target) in root["targets"]?.AsObject() ?? [])
        {
            if (target is JsonObject libraries)
            {
                libraries[key] = new JsonObject { ["runtime"] = new JsonObject { [runtimeName + ".dll"] = new JsonObject() } };
            }
        }

        if (root["libraries"] is JsonObject all)
        {
            all[key] = new JsonObject { ["type"] = "project", ["serviceable"] = false, ["sha512"] = "" };
        }

        File.WriteAllText(depsPath, root.ToJsonString());
    }
}
