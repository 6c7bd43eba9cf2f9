using System.Collections;

namespace Cni.Skel;

/// <summary>
/// The process's inputs and outputs as parameters: the environment, stdin, stdout and stderr.
/// Tests build one in memory; <see cref="FromProcess"/> gives the real ones.
/// </summary>
/// <remarks>
/// The invocation also says how delegation runs other plugins (<see cref="Executor"/>): as child
/// processes unless a test gives a fake or an in-process executor.
/// </remarks>
public sealed class CniInvocation
{
    /// <summary>Creates an invocation.</summary>
    /// <param name="environment">The environment variables.</param>
    /// <param name="stdin">Standard input.</param>
    /// <param name="stdout">Standard output: results and error objects only.</param>
    /// <param name="stderr">Standard error: logs.</param>
    /// <param name="executor">How delegation finds and runs other plugins; <see langword="null"/> means <see cref="ProcessPluginExecutor.Instance"/>.</param>
    public CniInvocation(IReadOnlyDictionary<string, string> environment, Stream stdin, Stream stdout, TextWriter stderr, IPluginExecutor? executor = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        Environment = environment;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        Executor = executor ?? ProcessPluginExecutor.Instance;
    }

    /// <summary>The environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Standard input.</summary>
    public Stream Stdin { get; }

    /// <summary>Standard output.</summary>
    public Stream Stdout { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Stderr { get; }

    /// <summary>How <see cref="CniRequest.Delegate"/> finds and runs other plugins.</summary>
    public IPluginExecutor Executor { get; }

    /// <summary>
    /// The running process's environment and standard streams; delegates run as child processes, each killed
    /// when it runs longer than <c>CNI_DELEGATE_TIMEOUT</c> seconds (60 when unset; 0 or none: no limit).
    /// </summary>
    /// <returns>The invocation.</returns>
    public static CniInvocation FromProcess()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? string.Empty;
        }

        return new CniInvocation(env, Console.OpenStandardInput(), Console.OpenStandardOutput(), new LazyStderr(), DelegateTimeout.Executor(env));
    }
}
