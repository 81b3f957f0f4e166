namespace Tracer.Engine;

/// <summary>A problem the user can fix (bad PID, unreachable process, unwritable path). Its message is one clear line.</summary>
public sealed class TracerUserException(string message, Exception? inner = null) : Exception(message, inner);
