using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Cni.Skel;

/// <summary>
/// Runs one program to completion on the calling thread: <c>posix_spawn</c> with pipes on its stdin,
/// stdout and stderr, one <c>poll</c> loop that writes stdin and drains both outputs (so neither side
/// waits for the other, whatever the sizes), and <c>waitpid</c> for its exit. No thread, no SIGCHLD
/// handler, no <c>System.Diagnostics.Process</c>. <see cref="Start"/> splits the run in two: the spawn
/// (and the stdin a pipe takes) now, the exchange and the reaping later, on whichever thread completes it.
/// </summary>
/// <remarks>
/// <para>
/// The child gets exactly the given environment, <c>argv[0]</c> = the path, the calling thread's network
/// namespace and signal mask, and <c>SIGPIPE</c> back at its default (the .NET runtime ignores it in
/// this process). Every descriptor of ours is close-on-exec; descriptors this process inherited without
/// it are closed in the child too where the C library can (<c>posix_spawn_file_actions_addclosefrom_np</c>,
/// glibc 2.34), so the child holds fds 0, 1 and 2 only.
/// </para>
/// <para>
/// glibc's <c>posix_spawn</c> reports a failed <c>execve</c> as its return value; that error (ENOENT,
/// EACCES, ETXTBSY, ...) is raised as a <see cref="Win32Exception"/> with the errno as its
/// <see cref="Win32Exception.NativeErrorCode"/>, before anything is written.
/// </para>
/// </remarks>
internal static unsafe partial class ChildProcess
{
    // <spawn.h> (glibc, every Linux architecture).
    private const short PosixSpawnSetSigDef = 0x04;

    // <fcntl.h> / <poll.h> / <signal.h> on Linux.
    private const int FSetFl = 4;
    private const int SigPipe = 13;
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const int SigKill = 9;

    // <sys/wait.h>: waitid's idtype and options; siginfo_t is 128 bytes.
    private const int PIdP = 1;
    private const int WNoHang = 1;
    private const int WExited = 4;
    private const int WNoWait = 0x01000000;
    private const int SigInfoSize = 128;

    // Opaque glibc objects, over-allocated: posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t
    // 336 on 64-bit glibc, sigset_t 128.
    private const int FileActionsWords = 32;
    private const int AttrWords = 96;
    private const int SigSetWords = 32;

    private static nint s_closeFrom = -1;

    /// <summary>What a run gave: the exit code (128 + the signal's number if a signal ended it) and the two outputs.</summary>
    internal readonly record struct Result(int ExitCode, byte[] Stdout, byte[] Stderr);

    /// <summary>Runs the program and waits for it, without a time limit.</summary>
    /// <exception cref="Win32Exception">It could not be started (the errno of the spawn, e.g. ETXTBSY).</exception>
    /// <exception cref="IOException">A pipe or wait failed.</exception>
    public static Result Run(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, IReadOnlyList<string>? arguments = null) =>
        Run(path, environment, stdin, arguments, Timeout.InfiniteTimeSpan, CancellationToken.None);

    /// <summary>
    /// Runs the program and waits for it, at most <paramref name="timeout"/> and only while
    /// <paramref name="cancellationToken"/> is not cancelled. When either ends the wait, the child is killed
    /// with <c>SIGKILL</c> and reaped before this returns, so nothing of it is left running.
    /// </summary>
    /// <exception cref="Win32Exception">It could not be started (the errno of the spawn, e.g. ETXTBSY).</exception>
    /// <exception cref="IOException">A pipe or wait failed.</exception>
    /// <exception cref="TimeoutException">It did not exit within the timeout and was killed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the child was killed.</exception>
    public static Result Run(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, IReadOnlyList<string>? arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using Running running = Start(path, environment, stdin, arguments, timeout, cancellationToken);
        return running.Complete();
    }

    /// <summary>
    /// Starts the program and returns at once, with as much of <paramref name="stdin"/> written as the pipe takes
    /// without blocking (all of a configuration: a pipe holds 64 KiB), so the child runs while the caller works.
    /// <see cref="Running.Complete"/> writes the rest, reads both outputs and reaps it; the limit counts from here.
    /// </summary>
    /// <exception cref="Win32Exception">It could not be started (the errno of the spawn, e.g. ETXTBSY).</exception>
    /// <exception cref="IOException">A pipe failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the start.</exception>
    public static Running Start(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, IReadOnlyList<string>? arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = new Deadline(timeout, cancellationToken);
        int* input = stackalloc int[2];
        int* output = stackalloc int[2];
        int* error = stackalloc int[2];
        input[0] = input[1] = output[0] = output[1] = error[0] = error[1] = -1;
        try
        {
            if (Pipe(input) != 0 || Pipe(output) != 0 || Pipe(error) != 0)
            {
                throw Failure("pipe2");
            }

            int pid = Spawn(path, arguments ?? [], environment, input[0], output[1], error[1]);

            // From here the Running owns the child and our ends of the pipes: its Dispose reaps it whatever happens.
            var running = new Running(pid, input[1], output[0], error[0], stdin, deadline);
            input[1] = output[0] = error[0] = -1;
            try
            {
                running.WriteWhatFits();
            }
            catch
            {
                running.Dispose();
                throw;
            }

            return running;
        }
        finally
        {
            for (int i = 0; i < 2; i++)
            {
                Close(ref input[i]);
                Close(ref output[i]);
                Close(ref error[i]);
            }
        }
    }

    /// <summary>
    /// A started child: <see cref="Complete"/> finishes the exchange and reaps it; <see cref="Dispose"/> without
    /// it does the same and drops the result, so a child started is always reaped (never a zombie) and never
    /// killed early but at its deadline. Used from one thread at a time.
    /// </summary>
    internal sealed class Running : IDisposable
    {
        private readonly int _pid;
        private readonly ReadOnlyMemory<byte> _stdin;
        private int _input;
        private int _output;
        private int _error;
        private int _written;
        private Deadline _deadline;
        private bool _reaped;

        internal Running(int pid, int input, int output, int error, ReadOnlyMemory<byte> stdin, Deadline deadline)
        {
            _pid = pid;
            _input = input;
            _output = output;
            _error = error;
            _stdin = stdin;
            _deadline = deadline;
        }

        /// <summary>The child's process id.</summary>
        public int Pid => _pid;

        /// <summary>Whether the child has been reaped (by <see cref="Complete"/> or <see cref="Dispose"/>).</summary>
        public bool IsReaped => _reaped;

        /// <summary>Writes stdin without blocking until the pipe is full or it is all written; at the end closes our end.</summary>
        internal void WriteWhatFits()
        {
            if (_stdin.IsEmpty)
            {
                Close(ref _input);
                return;
            }

            if (fcntl(_input, FSetFl, LibC.O_NONBLOCK) != 0)
            {
                throw Failure("fcntl(O_NONBLOCK)");
            }

            fixed (byte* data = _stdin.Span)
            {
                while (_input >= 0)
                {
                    long w = LibC.write(_input, data + _written, _stdin.Length - _written);
                    if (w > 0)
                    {
                        _written += (int)w;
                        if (_written == _stdin.Length)
                        {
                            Close(ref _input);
                        }

                        continue;
                    }

                    int errno = w < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    if (w < 0 && errno != LibC.EAGAIN)
                    {
                        // EPIPE: the child closed its stdin without reading it all; its exit status says what happened.
                        Close(ref _input);
                    }

                    break;
                }
            }
        }

        /// <summary>
        /// Writes the rest of stdin and reads stdout and stderr until the child closes them, then reaps it; at the
        /// deadline (or on cancellation) kills it first. Once only.
        /// </summary>
        /// <exception cref="IOException">A pipe or wait failed (the child was killed and reaped).</exception>
        /// <exception cref="TimeoutException">It did not exit within the timeout and was killed.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled; the child was killed.</exception>
        /// <exception cref="InvalidOperationException">It was already reaped.</exception>
        public Result Complete()
        {
            if (_reaped)
            {
                throw new InvalidOperationException($"child {_pid} was already reaped");
            }

            byte[] stdout = [];
            byte[] stderr = [];
            int status;
            bool finished = false;
            try
            {
                finished = Exchange(ref _input, ref _output, ref _error, _stdin.Span, ref _written, ref _deadline, out stdout, out stderr)
                    && WaitUntil(_pid, ref _deadline);
            }
            finally
            {
                // Killed when it ran out of time (or the exchange failed), and reaped either way, so no
                // zombie and no orphan is left behind.
                Close(ref _input);
                Close(ref _output);
                Close(ref _error);
                if (!finished)
                {
                    _ = kill(_pid, SigKill);
                }

                _reaped = true;
                status = Wait(_pid);
            }

            if (!finished)
            {
                _deadline.ThrowIfExpired();
            }

            return new Result(ExitCode(status), stdout, stderr);
        }

        /// <summary>Completes the run if nobody did (what it printed is dropped), so the child is reaped.</summary>
        public void Dispose()
        {
            if (_reaped)
            {
                return;
            }

            try
            {
                _ = Complete();
            }
            catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException)
            {
                // Reaped regardless (Complete's finally); nobody asked for the outcome.
            }
        }
    }

    private static int Pipe(int* fds) => LibC.pipe2(fds, LibC.O_CLOEXEC);

    private static int Spawn(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, int stdin, int stdout, int stderr)
    {
        long* actions = stackalloc long[FileActionsWords];
        long* attr = stackalloc long[AttrWords];
        long* sigDefault = stackalloc long[SigSetWords];
        byte* block = BuildStrings(path, arguments, environment, out byte** argv, out byte** envp);
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(posix_spawnattr_init(attr), "posix_spawnattr_init");
            try
            {
                // dup2 onto 0, 1 and 2 clears close-on-exec on the copies; the pipes' own ends are closed by exec.
                Check(posix_spawn_file_actions_adddup2(actions, stdin, 0), "posix_spawn_file_actions_adddup2");
                Check(posix_spawn_file_actions_adddup2(actions, stdout, 1), "posix_spawn_file_actions_adddup2");
                Check(posix_spawn_file_actions_adddup2(actions, stderr, 2), "posix_spawn_file_actions_adddup2");
                nint closeFrom = CloseFrom();
                if (closeFrom != 0)
                {
                    Check(((delegate* unmanaged<long*, int, int>)closeFrom)(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
                }

                Check(sigemptyset(sigDefault), "sigemptyset");
                Check(sigaddset(sigDefault, SigPipe), "sigaddset");
                Check(posix_spawnattr_setsigdefault(attr, sigDefault), "posix_spawnattr_setsigdefault");
                Check(posix_spawnattr_setflags(attr, PosixSpawnSetSigDef), "posix_spawnattr_setflags");
                int pid;
                int rc = posix_spawn(&pid, argv[0], actions, attr, argv, envp);
                if (rc != 0)
                {
                    throw new Win32Exception(rc);
                }

                return pid;
            }
            finally
            {
                _ = posix_spawnattr_destroy(attr);
                _ = posix_spawn_file_actions_destroy(actions);
            }
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    /// <summary>argv (the path, then the arguments) and envp (<c>KEY=VALUE</c>), NUL-terminated UTF-8, with their pointer arrays, in one block.</summary>
    private static byte* BuildStrings(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, out byte** argv, out byte** envp)
    {
        int argc = 1 + arguments.Count;
        int pointers = argc + 1 + environment.Count + 1;
        nuint size = (nuint)(pointers * sizeof(byte*)) + (nuint)Encoding.UTF8.GetByteCount(path) + 1;
        foreach (string argument in arguments)
        {
            size += (nuint)(Encoding.UTF8.GetByteCount(argument) + 1);
        }

        foreach ((string key, string value) in environment)
        {
            size += (nuint)(Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value) + 1);
        }

        byte* block = (byte*)NativeMemory.Alloc(size);
        var table = (byte**)block;
        byte* text = block + (pointers * sizeof(byte*));
        byte* end = block + size;
        table[0] = text;
        text = Append(text, end, path, null);
        for (int a = 0; a < arguments.Count; a++)
        {
            table[1 + a] = text;
            text = Append(text, end, arguments[a], null);
        }

        table[argc] = null;
        int i = argc + 1;
        foreach ((string key, string value) in environment)
        {
            table[i++] = text;
            text = Append(text, end, key, value);
        }

        table[i] = null;
        argv = table;
        envp = table + argc + 1;
        return block;
    }

    private static byte* Append(byte* at, byte* end, string first, string? second)
    {
        at += Encoding.UTF8.GetBytes(first, new Span<byte>(at, (int)(end - at)));
        if (second is not null)
        {
            *at++ = (byte)'=';
            at += Encoding.UTF8.GetBytes(second, new Span<byte>(at, (int)(end - at)));
        }

        *at++ = 0;
        return at;
    }

    /// <summary>
    /// Writes stdin and reads stdout and stderr until all three are done, whichever the child serves first,
    /// or until the deadline; <see langword="false"/> when the deadline ended it.
    /// </summary>
    private static bool Exchange(ref int input, ref int output, ref int error, ReadOnlySpan<byte> stdin, ref int written, ref Deadline deadline, out byte[] stdoutData, out byte[] stderrData)
    {
        var stdout = new Sink(4096);
        var stderr = new Sink(256);

        PollFd* fds = stackalloc PollFd[3];
        fixed (byte* data = stdin)
        {
            while (input >= 0 || output >= 0 || error >= 0)
            {
                int n = 0;
                if (input >= 0)
                {
                    fds[n++] = new PollFd { Fd = input, Events = PollOut };
                }

                if (output >= 0)
                {
                    fds[n++] = new PollFd { Fd = output, Events = PollIn };
                }

                if (error >= 0)
                {
                    fds[n++] = new PollFd { Fd = error, Events = PollIn };
                }

                int wait = deadline.NextWait();
                if (wait == 0)
                {
                    stdoutData = stdout.ToArray();
                    stderrData = stderr.ToArray();
                    return false;
                }

                int ready = poll(fds, (ulong)n, wait);
                if (ready == 0)
                {
                    continue;
                }

                if (ready < 0)
                {
                    if (Marshal.GetLastPInvokeError() == LibC.EINTR)
                    {
                        continue;
                    }

                    throw Failure("poll");
                }

                for (int i = 0; i < n; i++)
                {
                    if (fds[i].Revents == 0)
                    {
                        continue;
                    }

                    int fd = fds[i].Fd;
                    if (fd == input)
                    {
                        long w = LibC.write(input, data + written, stdin.Length - written);
                        int errno = w < 0 ? Marshal.GetLastPInvokeError() : 0;
                        if (w > 0)
                        {
                            written += (int)w;
                        }

                        // EPIPE: the child closed its stdin without reading it all; its exit status says what happened.
                        if (written == stdin.Length || (w < 0 && !Transient(errno)))
                        {
                            Close(ref input);
                        }
                    }
                    else if (fd == output)
                    {
                        stdout.ReadFrom(ref output);
                    }
                    else
                    {
                        stderr.ReadFrom(ref error);
                    }
                }
            }
        }

        stdoutData = stdout.ToArray();
        stderrData = stderr.ToArray();
        return true;
    }

    /// <summary>
    /// Waits for the child to exit (without reaping it) until the deadline; <see langword="false"/> when the
    /// deadline came first. Without a deadline it returns at once and <see cref="Wait"/> blocks instead.
    /// </summary>
    private static bool WaitUntil(int pid, ref Deadline deadline)
    {
        if (!deadline.IsLimited)
        {
            return true;
        }

        // The outputs are closed, so the child is exiting or has detached them: poll for its exit with
        // waitid(WNOWAIT), backing off from 0.1 ms to 20 ms, so the common case costs microseconds.
        int sleepMicros = 100;
        byte* info = stackalloc byte[SigInfoSize];
        while (true)
        {
            new Span<byte>(info, SigInfoSize).Clear();
            if (waitid(PIdP, pid, info, WExited | WNoHang | WNoWait) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                // ECHILD and the like: let the blocking wait report it.
                return true;
            }

            // si_pid (offset 16 on Linux) is non-zero once the child has exited.
            if (*(int*)(info + 16) != 0)
            {
                return true;
            }

            int wait = deadline.NextWait();
            if (wait == 0)
            {
                return false;
            }

            _ = usleep((uint)Math.Min(sleepMicros, wait * 1000L));
            sleepMicros = Math.Min(sleepMicros * 2, 20_000);
        }
    }

    private static int Wait(int pid)
    {
        int status;
        while (waitpid(pid, &status, 0) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EINTR)
            {
                throw new IOException($"waitpid({pid}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        return status;
    }

    /// <summary>The shell's convention, which <c>System.Diagnostics.Process</c> follows too: the exit status, or 128 + the signal.</summary>
    private static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    private static bool Transient(int errno) => errno == LibC.EINTR || errno == LibC.EAGAIN;

    private static void Close(ref int fd)
    {
        if (fd >= 0)
        {
            _ = LibC.close(fd);
            fd = -1;
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(rc)}");
        }
    }

    private static IOException Failure(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    /// <summary>glibc's <c>posix_spawn_file_actions_addclosefrom_np</c> (2.34 and later), or 0 where the C library has none.</summary>
    private static nint CloseFrom()
    {
        nint fn = Volatile.Read(ref s_closeFrom);
        if (fn == -1)
        {
            fn = NativeLibrary.TryLoad("libc.so.6", out nint libc)
                && NativeLibrary.TryGetExport(libc, "posix_spawn_file_actions_addclosefrom_np", out nint export) ? export : 0;
            Volatile.Write(ref s_closeFrom, fn);
        }

        return fn;
    }

    /// <summary>A growing buffer filled by <c>read</c>.</summary>
    private struct Sink(int capacity)
    {
        private byte[] _data = new byte[capacity];
        private int _length;

        /// <summary>Reads what is there; closes the descriptor at end of file or on an error.</summary>
        public void ReadFrom(ref int fd)
        {
            if (_length == _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }

            long n;
            fixed (byte* p = _data)
            {
                n = LibC.read(fd, p + _length, _data.Length - _length);
            }

            if (n > 0)
            {
                _length += (int)n;
            }
            else if (n == 0 || !Transient(Marshal.GetLastPInvokeError()))
            {
                Close(ref fd);
            }
        }

        public readonly byte[] ToArray() => _data.AsSpan(0, _length).ToArray();
    }

    /// <summary>When a run must end: a time limit, a cancellation token, both or neither.</summary>
    internal struct Deadline(TimeSpan timeout, CancellationToken token)
    {
        // How often a cancellable wait looks at its token.
        private const int TokenSliceMs = 50;

        private readonly long _endMs = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        private bool _timedOut;

        public readonly bool IsLimited => _endMs != long.MaxValue || token.CanBeCanceled;

        /// <summary>How long the next wait may block, in milliseconds: -1 for ever, 0 when the run must end now.</summary>
        public int NextWait()
        {
            if (token.IsCancellationRequested)
            {
                return 0;
            }

            int slice = token.CanBeCanceled ? TokenSliceMs : -1;
            if (_endMs == long.MaxValue)
            {
                return slice;
            }

            long left = _endMs - Environment.TickCount64;
            if (left <= 0)
            {
                _timedOut = true;
                return 0;
            }

            int leftMs = (int)Math.Min(left, int.MaxValue);
            return slice < 0 ? leftMs : Math.Min(slice, leftMs);
        }

        /// <summary>Raises what ended the run early, if anything did.</summary>
        public readonly void ThrowIfExpired()
        {
            token.ThrowIfCancellationRequested();
            if (_timedOut)
            {
                throw new TimeoutException($"did not finish within {timeout.TotalSeconds:0.###} s and was killed");
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollFd* fds, ulong nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitid(int idType, int id, byte* info, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    private static partial int usleep(uint microseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc")]
    private static partial int posix_spawn(int* pid, byte* path, long* fileActions, long* attr, byte** argv, byte** envp);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(long* fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(long* fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(long* fileActions, int fd, int newFd);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(long* attr);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(long* attr);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(long* attr, short flags);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigdefault(long* attr, long* sigDefault);

    [LibraryImport("libc")]
    private static partial int sigemptyset(long* set);

    [LibraryImport("libc")]
    private static partial int sigaddset(long* set, int signal);
}
