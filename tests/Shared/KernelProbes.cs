using Cni.Testing;

namespace Cni.Tests;

/// <summary>Probes of kernel features, each run once per test process in a throwaway namespace.</summary>
internal static class KernelProbes
{
    private static readonly Lazy<KernelProbe> VlanFiltering = new(ProbeVlanFiltering);

    /// <summary>
    /// Bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): <c>ip link add type bridge vlan_filtering 1</c>
    /// succeeds, or fails with EOPNOTSUPP ("Operation not supported"); any other failure is not proof
    /// either way and fails the test.
    /// </summary>
    public static KernelProbe BridgeVlanFiltering() => VlanFiltering.Value;

    private static KernelProbe ProbeVlanFiltering()
    {
        using var ns = TestNamespace.Create("vlanprobe");
        try
        {
            ns.Ip("link", "add", "vlprobe", "type", "bridge", "vlan_filtering", "1");
            return new KernelProbe(true, "'ip link add type bridge vlan_filtering 1' succeeds");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("Operation not supported", StringComparison.Ordinal))
        {
            return new KernelProbe(false, "'ip link add type bridge vlan_filtering 1' fails with EOPNOTSUPP: " + e.Message.Trim());
        }
    }
}
