using System.Runtime.ExceptionServices;
using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// A delegation started by <see cref="PluginDelegator.StartAdd"/>, <see cref="PluginDelegator.StartDelete"/> or
/// <see cref="PluginDelegator.StartCheck"/> and still running: the caller does its own work, then
/// <see cref="Wait"/>s for the outcome (or reads <see cref="Result"/> after an ADD).
/// </summary>
/// <remarks>
/// <para>
/// The outcome is what the synchronous call would have given: the same environment and stdin bytes were
/// sent, the delegate's stderr is passed on to ours when it is waited for, and its error object is raised as a
/// <see cref="CniException"/> with its own code. A time limit (<c>CNI_DELEGATE_TIMEOUT</c>) counts from the start.
/// <see cref="Wait"/> may be called more than once: it waits the first time and then gives the same outcome again.
/// </para>
/// <para>
/// Always dispose of it (<c>using</c>). Disposing of one that was not waited for still waits for the delegate to
/// finish (a child process is reaped, never left a zombie nor killed half-way, an in-process one is joined), and
/// writes its failure, if it failed, to the request's log, since nobody is left to raise it; it never throws. So
/// when the caller's own work throws, the delegate still completes and its error is not lost. Where the
/// delegate's failure matters more than the caller's own, wait for it before raising the caller's error.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using PendingDelegation ipam = request.Delegate.StartDelete(config.Ipam.Type);
/// DeleteTheLink();   // meanwhile
/// ipam.Wait();       // raises the IPAM plugin's error, if any
/// </code>
/// </example>
public sealed class PendingDelegation : IDisposable
{
    private readonly PluginDelegator _owner;
    private readonly ReadOnlyMemory<byte> _stdin;
    private IPluginRun? _run;
    private CniResult? _result;
    private ExceptionDispatchInfo? _failure;

    internal PendingDelegation(PluginDelegator owner, string type, CniCommand command, ReadOnlyMemory<byte> stdin, IPluginRun run)
    {
        _owner = owner;
        Type = type;
        Command = command;
        _stdin = stdin;
        _run = run;
    }

    /// <summary>The delegate's type (the plugin's name on CNI_PATH).</summary>
    public string Type { get; }

    /// <summary>The verb delegated.</summary>
    public CniCommand Command { get; }

    /// <summary>Whether the outcome is known: <see cref="Wait"/> (or <see cref="Dispose"/>) has returned.</summary>
    public bool IsCompleted => _run is null;

    /// <summary>The result of a delegated ADD: waits for the delegate if need be, and raises its failure.</summary>
    /// <exception cref="CniException">The delegate failed (its own code kept), could not be run to the end, or printed no result.</exception>
    /// <exception cref="InvalidOperationException">The delegation is not an ADD.</exception>
    public CniResult Result
    {
        get
        {
            if (Command != CniCommand.Add)
            {
                throw new InvalidOperationException($"a delegated {DispatchTables.Name(Command)} has no result");
            }

            Wait();
            return _result!;
        }
    }

    /// <summary>Waits for the delegate to finish and raises its failure as the synchronous call would.</summary>
    /// <exception cref="CniException">The delegate failed (its own code kept), could not be run to the end (code 11 when it was killed at its time limit), or, on ADD, printed no result.</exception>
    public void Wait()
    {
        if (_run is IPluginRun run)
        {
            _run = null;
            try
            {
                using (run)
                {
                    byte[] output = _owner.Complete(Type, Command, run.Wait());
                    if (Command == CniCommand.Add)
                    {
                        _result = PluginDelegator.ReadAddResult(Type, _stdin, output);
                    }
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
        }

        _failure?.Throw();
    }

    /// <summary>
    /// Waits for the delegate if nobody did, and writes its failure to the request's log; never throws.
    /// Does nothing once it has been waited for.
    /// </summary>
    public void Dispose()
    {
        if (_run is null)
        {
            return;
        }

        try
        {
            Wait();
        }
        catch (Exception e)
        {
            try
            {
                _owner.Log.WriteLine($"plugin \"{Type}\" failed on {DispatchTables.Name(Command)}, and nobody waited for it: {e.Message}");
            }
            catch (Exception) when (e is not null)
            {
                // Nowhere left to report it: a log that cannot be written must not hide the caller's own exception.
            }
        }
    }
}
