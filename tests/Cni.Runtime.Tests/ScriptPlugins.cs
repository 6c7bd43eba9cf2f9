using System.Text;
using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>
/// Small shell-script plugins in a temporary directory, real executables run as child processes: each answers
/// VERSION with the versions it is given, records every other call (the order in <c>calls</c>, its stdin and
/// environment per type and verb), and does what the test says on ADD, DEL and the other verbs. By default ADD
/// prints a result in the requested version with an address of its own, and everything else succeeds.
/// </summary>
internal sealed class ScriptPlugins : IDisposable
{
    public const string AllVersions = "\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"";

    private readonly TempDir _root;
    private int _next;

    public ScriptPlugins(string tag)
    {
        _root = new TempDir(tag);
        BinDir = Path.Combine(_root.Path, "bin");
        LogDir = Path.Combine(_root.Path, "log");
        CacheDir = Path.Combine(_root.Path, "cache");
        Directory.CreateDirectory(BinDir);
        Directory.CreateDirectory(LogDir);
    }

    public string BinDir { get; }

    public string LogDir { get; }

    public string CacheDir { get; }

    public string Root => _root.Path;

    /// <summary>A shell function <c>res ADDRESS</c> that prints a result with that address in the requested version ($v).</summary>
    private const string ResultFunction = """
        res() {
          case "$v" in
            0.1.0|0.2.0) printf '{"cniVersion":"%s","ip4":{"ip":"%s"}}' "$v" "$1" ;;
            0.3.*|0.4.0) printf '{"cniVersion":"%s","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"version":"4","address":"%s","interface":0}]}' "$v" "$CNI_IFNAME" "$CNI_NETNS" "$1" ;;
            *) printf '{"cniVersion":"%s","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"address":"%s","interface":0}]}' "$v" "$CNI_IFNAME" "$CNI_NETNS" "$1" ;;
          esac
        }
        """;

    /// <summary>Adds a plugin.</summary>
    /// <param name="type">Its name.</param>
    /// <param name="add">Shell code run on ADD; default prints a result with its own address (<c>res 10.9.0.N/24</c>).</param>
    /// <param name="del">Shell code run on DEL; default succeeds.</param>
    /// <param name="other">Shell code run on CHECK, STATUS and GC; default succeeds.</param>
    /// <param name="versions">The supportedVersions it answers, as JSON strings separated by commas.</param>
    public string Add(string type, string? add = null, string? del = null, string? other = null, string versions = AllVersions)
    {
        int n = Interlocked.Increment(ref _next);
        string script = $$"""
            #!/bin/sh
            T={{type}}
            L={{LogDir}}
            in=$(cat)
            if [ "$CNI_COMMAND" = VERSION ]; then
              printf '{"cniVersion":"1.1.0","supportedVersions":[%s]}' '{{versions}}'
              exit 0
            fi
            printf '%s' "$in" > "$L/$T.$CNI_COMMAND.$CNI_CONTAINERID.stdin"
            env > "$L/$T.$CNI_COMMAND.$CNI_CONTAINERID.env"
            echo "$T $CNI_COMMAND $CNI_CONTAINERID" >> "$L/calls"
            v=$(printf '%s' "$in" | sed -n 's/^{"cniVersion":"\([^"]*\)".*/\1/p')
            {{ResultFunction}}
            case "$CNI_COMMAND" in
              ADD)
                {{add ?? $"res 10.9.0.{n}/24"}}
                ;;
              DEL)
                {{del ?? "true"}}
                ;;
              *)
                {{other ?? "true"}}
                ;;
            esac
            """;
        string path = Path.Combine(BinDir, type);
        File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The calls made, in order, as "type VERB containerID" (only ADD, DEL, CHECK, STATUS, GC; VERSION is not recorded).</summary>
    public string[] Calls()
    {
        string file = Path.Combine(LogDir, "calls");
        return File.Exists(file) ? File.ReadAllLines(file) : [];
    }

    /// <summary>Forgets the calls recorded so far.</summary>
    public void ClearCalls() => File.Delete(Path.Combine(LogDir, "calls"));

    /// <summary>What the last call of a verb to a plugin got on stdin.</summary>
    public string Stdin(string type, string command, string containerId = "ctr1") =>
        File.ReadAllText(Path.Combine(LogDir, $"{type}.{command}.{containerId}.stdin"));

    /// <summary>The environment of the last call of a verb to a plugin.</summary>
    public Dictionary<string, string> Env(string type, string command, string containerId = "ctr1")
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(Path.Combine(LogDir, $"{type}.{command}.{containerId}.env")))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env[line[..eq]] = line[(eq + 1)..];
            }
        }

        return env;
    }

    /// <summary>A runtime over these plugins, with its cache here.</summary>
    public CniRuntime Runtime(TimeSpan? timeout = null, bool rollBack = true, bool continueDelete = false) => new(new CniRuntimeOptions
    {
        PluginDirectories = [BinDir],
        CacheDirectory = CacheDir,
        PluginTimeout = timeout ?? TimeSpan.FromSeconds(30),
        RollBackFailedAdd = rollBack,
        ContinueDeleteOnError = continueDelete,
    });

    /// <summary>A list of the given plugin types.</summary>
    public static CniNetwork List(string version, params string[] types) => ListWith(version, "", types.Select(t => $"{{\"type\":\"{t}\"}}").ToArray());

    /// <summary>A list of the given plugin objects, with extra top-level members.</summary>
    public static CniNetwork ListWith(string version, string extra, params string[] plugins) =>
        CniNetwork.Parse(Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"{version}\",\"name\":\"testnet\"{extra},\"plugins\":[{string.Join(",", plugins)}]}}"));

    public static AttachmentParameters Pod(string containerId = "ctr1", string netns = "/run/netns/fake") =>
        new() { ContainerId = containerId, NetNs = netns, IfName = "eth0" };

    public void Dispose() => _root.Dispose();
}
