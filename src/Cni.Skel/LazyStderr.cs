using System.Text;

namespace Cni.Skel;

/// <summary>
/// stderr, opened on the first write: most calls never log, and setting up the console writer is a
/// measurable part of a short-lived plugin's start-up.
/// </summary>
internal sealed class LazyStderr : TextWriter
{
    private StreamWriter? _writer;

    public override Encoding Encoding => Encoding.UTF8;

    private StreamWriter Writer => _writer ??= new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };

    public override void Write(char value) => Writer.Write(value);

    public override void Write(string? value) => Writer.Write(value);

    public override void Write(char[] buffer, int index, int count) => Writer.Write(buffer, index, count);

    public override void WriteLine(string? value) => Writer.WriteLine(value);

    public override void Flush() => _writer?.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer?.Dispose();
        }

        base.Dispose(disposing);
    }
}
