using System.Globalization;
using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// The limit a plugin started as a process (<see cref="CniInvocation.FromProcess"/>) gives each delegate it
/// runs: <c>CNI_DELEGATE_TIMEOUT</c>, in seconds (a decimal number; <c>0</c> or <c>none</c> for no limit),
/// <see cref="Default"/> when it is not set. A delegate still running at the limit is killed with SIGKILL and
/// the delegation fails with code 11 (see <see cref="ProcessPluginExecutor"/>).
/// </summary>
/// <remarks>
/// The default is below the two minutes a kubelet gives a sandbox's creation, so a hung IPAM plugin is
/// killed, and its caller rolls back and reports it, before the runtime kills the caller. The variable is
/// passed on to the delegates, so a chain keeps one limit.
/// </remarks>
internal static class DelegateTimeout
{
    /// <summary>The variable.</summary>
    public const string Variable = "CNI_DELEGATE_TIMEOUT";

    /// <summary>The limit when the variable is not set.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>The executor for a process's environment; one that fails every delegation (code 4) for a value that is no limit.</summary>
    public static IPluginExecutor Executor(IReadOnlyDictionary<string, string> environment)
    {
        if (!environment.TryGetValue(Variable, out string? text) || text.Length == 0)
        {
            return new ProcessPluginExecutor(Default);
        }

        if (text is "none" or "0")
        {
            return ProcessPluginExecutor.Instance;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= int.MaxValue / 1000)
        {
            return new ProcessPluginExecutor(TimeSpan.FromSeconds(seconds));
        }

        return new Invalid(text);
    }

    /// <summary>Finds plugins as usual, but refuses to run one: the limit asked for is not a limit.</summary>
    private sealed class Invalid(string text) : IPluginExecutor
    {
        public string Find(string type, IReadOnlyList<string> paths) => ProcessPluginExecutor.Instance.Find(type, paths);

        public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log) =>
            throw new CniException(
                CniErrorCode.InvalidEnvironmentVariables,
                $"{Variable}=\"{text}\" is not a number of seconds: cannot run {Path.GetFileName(path)}",
                $"set {Variable} to a positive number of seconds, or to 0 or none for no limit (unset: {Default.TotalSeconds:0} s)");
    }
}
