using System.Text;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>One call a <see cref="FakePluginExecutor"/> received: what a delegate would have been given.</summary>
/// <param name="Path">What <see cref="FakePluginExecutor.Find"/> answered for the delegate's type.</param>
/// <param name="Environment">The delegate's whole environment.</param>
/// <param name="Stdin">The configuration it would have read.</param>
public sealed record FakeExecution(string Path, IReadOnlyDictionary<string, string> Environment, byte[] Stdin)
{
    /// <summary>The delegate's CNI_COMMAND.</summary>
    public string Command => Environment["CNI_COMMAND"];

    /// <summary>The configuration as text.</summary>
    public string StdinText => Encoding.UTF8.GetString(Stdin);
}

/// <summary>
/// A delegation executor that runs nothing, for testing a main or meta plugin's delegation: <see cref="Find"/>
/// answers <c>/fake/&lt;type&gt;</c> for every type except the <see cref="Missing"/> ones, and <see cref="Execute"/>
/// records what it was given and answers what <see cref="Respond"/> returns (by default an empty success).
/// Give it to <see cref="PluginHarness.RunInProcess"/> or to a <see cref="CniInvocation"/>. Safe for delegation
/// from several threads.
/// </summary>
public sealed class FakePluginExecutor : IPluginExecutor
{
    private readonly Lock _lock = new();
    private readonly List<FakeExecution> _calls = [];
    private readonly List<(string Type, IReadOnlyList<string> Paths)> _finds = [];

    /// <summary>Every execution, in order.</summary>
    public IReadOnlyList<FakeExecution> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every lookup, in order: the type asked for and the directories it was to be found in.</summary>
    public IReadOnlyList<(string Type, IReadOnlyList<string> Paths)> Finds
    {
        get
        {
            lock (_lock)
            {
                return [.. _finds];
            }
        }
    }

    /// <summary>The types <see cref="Find"/> reports as not found (code 999, as the process executor does).</summary>
    public ISet<string> Missing { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What a delegate answers; by default an empty success.</summary>
    public Func<FakeExecution, PluginOutput> Respond { get; init; } = _ => Success("");

    /// <summary>A delegate's success: exit 0 with <paramref name="stdout"/>.</summary>
    /// <param name="stdout">The result it prints.</param>
    /// <param name="stderr">Its logs.</param>
    /// <returns>The output.</returns>
    public static PluginOutput Success(string stdout, string stderr = "") => new(0, Encoding.UTF8.GetBytes(stdout), stderr);

    /// <summary>A delegate's failure: exit 1 with the error object.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="message">The message.</param>
    /// <param name="details">The details, if any.</param>
    /// <param name="stderr">Its logs.</param>
    /// <returns>The output.</returns>
    public static PluginOutput Failure(CniErrorCode code, string message, string? details = null, string stderr = "") =>
        new(1, new CniError(code, message, details).ToJson(indented: false), stderr);

    /// <inheritdoc/>
    public string Find(string type, IReadOnlyList<string> paths)
    {
        lock (_lock)
        {
            _finds.Add((type, paths));
        }

        return Missing.Contains(type)
            ? throw new CniException(CniErrorCode.Internal, $"failed to find plugin \"{type}\" in path [{string.Join(" ", paths)}]")
            : "/fake/" + type;
    }

    /// <inheritdoc/>
    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        var call = new FakeExecution(path, new Dictionary<string, string>(environment, StringComparer.Ordinal), stdin.ToArray());
        lock (_lock)
        {
            _calls.Add(call);
        }

        return Respond(call);
    }
}
