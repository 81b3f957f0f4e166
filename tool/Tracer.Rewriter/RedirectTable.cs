using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>
/// The runtime's helpers, read from its [Redirect] attributes: for a call to a framework method, the helper with the
/// same type, name, instance-ness and parameter shapes (see RedirectAttribute in Tracer.RaceRuntime).
/// </summary>
internal sealed class RedirectTable
{
    private readonly Dictionary<string, MethodDefinition> _helpers = new(StringComparer.Ordinal);

    public RedirectTable(ModuleDefinition runtime)
    {
        Runtime = runtime;
        foreach (TypeDefinition type in runtime.Types)
        {
            foreach (MethodDefinition method in type.Methods.Where(m => m.IsPublic && m.IsStatic))
            {
                foreach (CustomAttribute redirect in method.CustomAttributes.Where(a => a.AttributeType.Name == "RedirectAttribute"))
                {
                    string typeName = (string)redirect.ConstructorArguments[0].Value;
                    string methodName = (string)redirect.ConstructorArguments[1].Value;
                    bool instance = redirect.Properties.Any(p => p.Name == "Instance" && (bool)p.Argument.Value);
                    IEnumerable<ParameterDefinition> parameters = method.Parameters.Skip(instance ? 1 : 0);
                    if (HasSite(method))
                    {
                        parameters = parameters.SkipLast(1);
                    }

                    int methodArity = method.GenericParameters.Count - TypeNames.Arity(typeName);
                    _helpers[Key(typeName, methodName, instance, methodArity, parameters.Select(p => TypeNames.Shape(p.ParameterType)))] = method;
                }
            }
        }
    }

    public ModuleDefinition Runtime { get; }

    public int Count => _helpers.Count;

    /// <summary>The helper for a call (newobj only for constructors), or null.</summary>
    public MethodDefinition? Find(MethodReference called, bool isNewObj)
    {
        if (called.Name == ".ctor" && !isNewObj)
        {
            return null; // a base constructor call from a subclass
        }

        bool instance = called.HasThis && !isNewObj;
        int methodArity = called is GenericInstanceMethod generic ? generic.GenericArguments.Count : called.GenericParameters.Count;
        string key = Key(called.DeclaringType.GetElementType().FullName, called.Name, instance, methodArity,
            called.Parameters.Select(p => TypeNames.Shape(p.ParameterType)));
        return _helpers.GetValueOrDefault(key);
    }

    public static bool HasSite(MethodDefinition helper) =>
        helper.Parameters.Count > 0 && helper.Parameters[^1] is { Name: "site", ParameterType.FullName: "System.Int32" };

    public TypeDefinition Type(string name) => Runtime.GetType("Tracer.RaceRuntime." + name)
        ?? throw new InvalidOperationException($"the race runtime has no type {name}");

    public MethodDefinition Method(string type, string name) => Type(type).Methods.First(m => m.Name == name);

    private static string Key(string type, string method, bool instance, int methodArity, IEnumerable<string> parameters) =>
        $"{type}::{method}{(instance ? "#" : "")}[{methodArity}]({string.Join(",", parameters)})";
}
