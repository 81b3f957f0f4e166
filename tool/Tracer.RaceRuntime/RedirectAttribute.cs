namespace Tracer.RaceRuntime;

/// <summary>
/// Marks a helper that replaces calls to <see cref="Method"/> of <see cref="Type"/> (Cecil's full name: nested types
/// with '/', generic arity with '`'). Instance methods take the receiver first (by ref for structs); a constructor's
/// helper returns the new object; a last parameter named "site" receives the call site's id. Generic helpers take the
/// type's generic arguments first, then the method's.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RedirectAttribute(string type, string method) : Attribute
{
    public string Type { get; } = type;
    public string Method { get; } = method;
    /// <summary>The replaced method has a `this` (the helper's first parameter).</summary>
    public bool Instance { get; init; }
}
