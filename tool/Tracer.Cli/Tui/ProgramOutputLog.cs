using System.Text;

namespace Tracer.Cli.Tui;

/// <summary>
/// Receives the launched program's stdout/stderr while the UI owns the terminal, keeping the last lines for the
/// Processes screen. Thread-safe: the process's output events arrive on pool threads.
/// </summary>
internal sealed class ProgramOutputLog(int capacity = 500) : TextWriter
{
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    public long TotalLines { get; private set; }

    public override void Write(char value)
    {
        lock (_lines)
        {
            if (value == '\n')
            {
                Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lines)
        {
            _partial.Append(value);
            Add(_partial.ToString());
            _partial.Clear();
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        TotalLines++;
        while (_lines.Count > capacity)
        {
            _lines.Dequeue();
        }
    }
}
