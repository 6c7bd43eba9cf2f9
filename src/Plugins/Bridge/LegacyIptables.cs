using System.Globalization;
using Cni.Skel;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The reference iptables backend's chain of a container in the legacy (x_tables) iptables, on a node
/// whose iptables is not the nf_tables variant. Those rules are not nf_tables objects and cannot be
/// removed over nfnetlink, so only here a process is run: <c>iptables-legacy</c> / <c>ip6tables-legacy</c>,
/// and only for a family whose legacy <c>nat</c> table exists in the namespace
/// (<see cref="Cni.Netlink.Nftables.IptablesMasqueradeRules.FindLegacyTables"/>; never on a node using iptables-nft only).
/// </summary>
internal static class LegacyIptables
{
    /// <summary>Removes the POSTROUTING jumps to <paramref name="chain"/> and the chain from the legacy nat tables found.</summary>
    /// <param name="legacyTables">The legacy tables present: <c>"ip nat"</c>, <c>"ip6 nat"</c>.</param>
    /// <param name="chain">The reference's chain of the container.</param>
    /// <returns>What was done, for the log; empty when nothing of the container was there.</returns>
    public static List<string> TearDown(IReadOnlyList<string> legacyTables, string chain)
    {
        var done = new List<string>();
        foreach ((string table, string tool) in new[] { ("ip nat", "iptables-legacy"), ("ip6 nat", "ip6tables-legacy") })
        {
            if (!legacyTables.Contains(table))
            {
                continue;
            }

            // "-S POSTROUTING" prints the policy, then the rules in order: the n-th "-A" line is rule n.
            string[] rules = [.. Run(tool, "-w", "-t", "nat", "-S", "POSTROUTING").Split('\n').Where(l => l.StartsWith("-A POSTROUTING ", StringComparison.Ordinal))];
            int removed = 0;
            for (int i = rules.Length - 1; i >= 0; i--)
            {
                if (rules[i].EndsWith(" -j " + chain, StringComparison.Ordinal))
                {
                    Run(tool, "-w", "-t", "nat", "-D", "POSTROUTING", (i + 1).ToString(CultureInfo.InvariantCulture));
                    removed++;
                }
            }

            bool exists = Run(tool, "-w", "-t", "nat", "-S").Split('\n').Contains("-N " + chain);
            if (exists)
            {
                Run(tool, "-w", "-t", "nat", "-F", chain);
                Run(tool, "-w", "-t", "nat", "-X", chain);
            }

            if (removed > 0 || exists)
            {
                done.Add($"legacy iptables nat table found: removed {removed} POSTROUTING jump(s) and {(exists ? "the chain " + chain : "no chain")} with {tool}");
            }
        }

        return done;
    }

    // Where Debian and most distributions install the iptables tools; PATH is not searched (no shell).
    private static readonly string[] ToolDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private static string Run(string tool, params string[] arguments)
    {
        string? path = ToolDirectories.Select(d => Path.Join(d, tool)).FirstOrDefault(File.Exists)
            ?? throw new Cni.Spec.CniException(Cni.Spec.CniErrorCode.Internal, $"a legacy iptables nat table is present but {tool} was not found in {string.Join(", ", ToolDirectories)} to remove its rules");
        var environment = new Dictionary<string, string> { ["PATH"] = string.Join(':', ToolDirectories) };
        PluginOutput run = ProcessPluginExecutor.RunProgram(path, arguments, environment, ReadOnlyMemory<byte>.Empty);
        if (run.ExitCode != 0)
        {
            throw new Cni.Spec.CniException(Cni.Spec.CniErrorCode.Internal, $"failed to remove legacy iptables rules: '{tool} {string.Join(' ', arguments)}' exited with {run.ExitCode}: {run.Stderr.Trim()}");
        }

        return System.Text.Encoding.UTF8.GetString(run.Stdout.Span);
    }
}
