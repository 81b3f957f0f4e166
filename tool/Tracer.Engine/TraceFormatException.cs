namespace Tracer.Engine;

/// <summary>The input is not a readable trace. Its message is one line meant for the user.</summary>
public sealed class TraceFormatException(string message, Exception? inner = null) : Exception(message, inner);
