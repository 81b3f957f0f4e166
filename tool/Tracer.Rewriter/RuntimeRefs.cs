using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>The runtime's members imported into one module being rewritten.</summary>
internal sealed class RuntimeRefs(ModuleDefinition module, RedirectTable table)
{
    public ModuleDefinition Module { get; } = module;
    public RedirectTable Table { get; } = table;
    public TypeReference ShadowCell { get; } = module.ImportReference(table.Type("ShadowCell"));
    public TypeReference AsyncFlow { get; } = module.ImportReference(table.Type("AsyncFlow"));
    public MethodReference FieldRead { get; } = module.ImportReference(table.Method("Fields", "Read"));
    public MethodReference CurrentThread { get; } = module.ImportReference(table.Method("Fields", "get_Thread"));
    public TypeReference RaceThread { get; } = module.ImportReference(table.Type("RaceThread"));
    public MethodReference FieldWrite { get; } = module.ImportReference(table.Method("Fields", "Write"));
    public MethodReference CollectionCall { get; } = module.ImportReference(table.Method("Collections", "Call"));
    public MethodReference InterfaceCall { get; } = module.ImportReference(table.Method("Collections", "InterfaceCall"));
    public MethodReference HandoffBefore { get; } = module.ImportReference(table.Method("Handoffs", "Before"));
    public MethodReference HandoffAfter { get; } = module.ImportReference(table.Method("Handoffs", "After"));
    public MethodReference AtomicBefore { get; } = module.ImportReference(table.Method("Handoffs", "AtomicBefore"));
    public MethodReference AtomicAfter { get; } = module.ImportReference(table.Method("Handoffs", "AtomicAfter"));
    public MethodReference Unmodelled { get; } = module.ImportReference(table.Method("Handoffs", "Unmodelled"));
    public MethodReference Resume { get; } = module.ImportReference(table.Method("AsyncFlow", "Resume"));
    public MethodReference Suspend { get; } = module.ImportReference(table.Method("AsyncFlow", "Suspend"));
    public TypeReference Object { get; } = module.TypeSystem.Object;

    private readonly Dictionary<MethodDefinition, MethodReference> _helpers = [];

    /// <summary>The helper imported, instantiated with the call's type and method generic arguments.</summary>
    public MethodReference? Helper(MethodDefinition helper, MethodReference called)
    {
        if (!_helpers.TryGetValue(helper, out MethodReference? imported))
        {
            _helpers[helper] = imported = Module.ImportReference(helper);
        }

        if (!helper.HasGenericParameters)
        {
            return imported;
        }

        var arguments = new List<TypeReference>();
        if (called.DeclaringType is GenericInstanceType type)
        {
            arguments.AddRange(type.GenericArguments);
        }

        if (called is GenericInstanceMethod method)
        {
            arguments.AddRange(method.GenericArguments);
        }

        if (arguments.Count != helper.GenericParameters.Count)
        {
            return null;
        }

        var instance = new GenericInstanceMethod(imported);
        foreach (TypeReference argument in arguments)
        {
            instance.GenericArguments.Add(argument);
        }

        return instance;
    }
}
