namespace Cni.Runtime;

/// <summary>
/// Lets the attachment verbs (ADD, CHECK, DEL) run together, and GC alone: the specification requires a runtime
/// to run GC with no ADD or DEL in flight, or GC could release what an ADD has just made but not yet cached.
/// GC waits for the verbs in flight and holds back new ones until it is done (writer preference, so a stream of
/// verbs cannot starve it).
/// </summary>
internal sealed class GcGate
{
    private readonly SemaphoreSlim _turnstile = new(1, 1);
    private readonly object _sync = new();
    private int _shared;
    private TaskCompletionSource? _drained;

    public async Task<IDisposable> EnterSharedAsync(CancellationToken cancellationToken)
    {
        await _turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _shared++;
        }

        _turnstile.Release();
        return new Releaser(ExitShared);
    }

    public async Task<IDisposable> EnterExclusiveAsync(CancellationToken cancellationToken)
    {
        await _turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                Task wait;
                lock (_sync)
                {
                    if (_shared == 0)
                    {
                        break;
                    }

                    _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _drained.Task;
                }

                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _turnstile.Release();
            throw;
        }

        return new Releaser(() => _turnstile.Release());
    }

    private void ExitShared()
    {
        TaskCompletionSource? drained = null;
        lock (_sync)
        {
            if (--_shared == 0)
            {
                drained = _drained;
                _drained = null;
            }
        }

        drained?.TrySetResult();
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
            }
        }
    }
}
