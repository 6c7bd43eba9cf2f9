using System.Text;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Tests;

/// <summary>One call a <see cref="FakePluginExecutor"/> received.</summary>
internal sealed record FakeExecution(string Path, IReadOnlyDictionary<string, string> Environment, byte[] Stdin)
{
    public string Command => Environment["CNI_COMMAND"];

    public string StdinText => Encoding.UTF8.GetString(Stdin);
}

/// <summary>
/// An executor that runs nothing: <see cref="Find"/> answers <c>/fake/&lt;type&gt;</c> for every type
/// except <see cref="Missing"/> ones, and <see cref="Execute"/> records the environment and stdin it was
/// given and returns what <see cref="Respond"/> says (by default an empty success).
/// </summary>
internal sealed class FakePluginExecutor : IPluginExecutor
{
    public List<FakeExecution> Calls { get; } = [];

    public List<(string Type, IReadOnlyList<string> Paths)> Finds { get; } = [];

    public HashSet<string> Missing { get; init; } = [];

    public Func<FakeExecution, PluginOutput> Respond { get; init; } = _ => Success("");

    public static PluginOutput Success(string stdout, string stderr = "") => new(0, Encoding.UTF8.GetBytes(stdout), stderr);

    public static PluginOutput Failure(int code, string msg, string? details = null, string stderr = "") =>
        new(1, new CniError((CniErrorCode)code, msg, details).ToJson(indented: false), stderr);

    public string Find(string type, IReadOnlyList<string> paths)
    {
        Finds.Add((type, paths));
        return Missing.Contains(type)
            ? throw new CniException(CniErrorCode.Internal, $"failed to find plugin \"{type}\" in path [{string.Join(" ", paths)}]")
            : "/fake/" + type;
    }

    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        var call = new FakeExecution(path, new Dictionary<string, string>(environment), stdin.ToArray());
        Calls.Add(call);
        return Respond(call);
    }
}
