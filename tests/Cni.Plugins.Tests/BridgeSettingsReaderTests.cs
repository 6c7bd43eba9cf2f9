using System.Text;
using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The bridge reads its keys by hand (<see cref="BridgeSettings.Read"/>); these pin it to the
/// source-generated reader it replaced. Golden/bridge-settings.outcomes.json holds, for 62
/// configurations (every key with every wrong type, null where a value type must be, duplicates,
/// nested args and runtimeConfig, vlanTrunk entries), the outcome recorded with that reader.
/// </summary>
public class BridgeSettingsReaderTests
{
    public static TheoryData<string, string> Recorded()
    {
        return GoldenFiles.Outcomes(Path.Combine(RepoPaths.Root, "tests", "Cni.Plugins.Tests", "Golden", "bridge-settings.outcomes.json"));
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Reads_as_the_source_generated_reader_did(string input, string recorded)
    {
        if (recorded.StartsWith("unhandled ArgumentException", StringComparison.Ordinal))
        {
            // The one deliberate change: a key given twice, the second time with the wrong type,
            // made the old error wording crash (code 999); it is now the coded error it meant to be.
            var e = Assert.Throws<CniException>(() => BridgeSettings.Read(NetworkConfig.Parse(input)));
            Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
            Assert.Equal("invalid network configuration: key \"mtu\" has value \"x\", which is not an integer", e.Message);
            return;
        }

        Assert.Equal(recorded, Describe(input));
    }

    private static string Describe(string line)
    {
        NetworkConfig c;
        try
        {
            c = NetworkConfig.Parse(Encoding.UTF8.GetBytes(line));
        }
        catch (CniException e)
        {
            return $"config error {(int)e.Code}: {e.Message}";
        }

        BridgeSettings s;
        try
        {
            s = BridgeSettings.Read(c);
        }
        catch (CniException e)
        {
            return $"error {(int)e.Code}: {e.Message} | details: {e.Details}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"unhandled {e.GetType().Name}: {e.Message}";
        }

        string trunk = s.VlanTrunk is null ? "<null>" : string.Join(",", s.VlanTrunk.Select(t => t is null ? "<nullitem>" : $"{t.Id?.ToString() ?? "-"}/{t.MinId?.ToString() ?? "-"}/{t.MaxId?.ToString() ?? "-"}"));
        return $"ok bridge={s.Bridge ?? "<null>"} gw={s.IsGateway} dgw={s.IsDefaultGateway} force={s.ForceAddress} masq={s.IpMasq} mtu={s.Mtu} hairpin={s.HairpinMode} promisc={s.PromiscMode} vlan={s.Vlan} trunk={trunk} preserve={s.PreserveDefaultVlan?.ToString() ?? "<null>"} spoof={s.MacSpoofCheck} dad={s.EnableDad} noif={s.DisableContainerInterface} iso={s.PortIsolation} argsmac={(s.Args is null ? "<null>" : s.Args.Cni is null ? "<nocni>" : s.Args.Cni.Mac ?? "<null>")} rcmac={(s.RuntimeConfig is null ? "<null>" : s.RuntimeConfig.Mac ?? "<null>")}";
    }
}
