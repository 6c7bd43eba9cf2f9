using System.Net.NetworkInformation;
using Cni.Netlink;
using Cni.Netlink.Nftables;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>
/// An attachment's netfilter rules in the node's namespace (the one the plugin runs in): the masquerade
/// rules of <c>ipMasq</c> and the spoof check of <c>macspoofchk</c>, in the reference's layouts
/// (<see cref="MasqueradeRules"/>, <see cref="MacSpoofCheckRules"/>), made, verified and removed over
/// nfnetlink. No process is started, except <c>iptables-legacy</c> on DEL when the node has legacy
/// iptables nat tables (<see cref="LegacyIptables"/>).
/// </summary>
/// <remarks>
/// One nfnetlink socket, opened on first use, serves a whole command. Dispose it as late as the command
/// allows: closing a socket that committed a transaction waits for the kernel to release what the
/// transaction replaced (an RCU grace period, about 5 to 15 ms measured here), and that wait overlaps
/// whatever the command does between the commit and the close.
/// </remarks>
internal sealed class AttachmentRules : IDisposable
{
    private NftablesSocket? _nft;

    /// <summary>Sets up the spoof check of a port: only <paramref name="mac"/> may send from <paramref name="hostVeth"/> into the bridge.</summary>
    public void SetUpSpoofCheck(string hostVeth, PhysicalAddress? mac, string containerId, string ifName)
    {
        PhysicalAddress address = mac ?? throw Fail($"failed to set up the MAC spoof check of {hostVeth}: the container interface {ifName} has no MAC address");
        Run("set up the MAC spoof check of " + hostVeth, nft => MacSpoofCheckRules.Setup(nft, hostVeth, address, containerId, ifName));
    }

    /// <summary>Sets up, in one transaction, the masquerade rules of all the attachment's addresses.</summary>
    public void SetUpMasquerade(string network, string ifName, string containerId, IEnumerable<IPCidr> addresses) =>
        Run("setup ipmasq", nft => MasqueradeRules.Setup(nft, network, ifName, containerId, addresses));

    /// <summary>Verifies the spoof check of an attachment; throws naming what is missing.</summary>
    public void VerifySpoofCheck(string hostVeth, PhysicalAddress? mac, string containerId, string ifName)
    {
        PhysicalAddress address = mac ?? throw Fail($"macspoofchk: the container interface {ifName} has no MAC address");
        if (Run("verify the MAC spoof check", nft => MacSpoofCheckRules.Verify(nft, hostVeth, address, containerId, ifName)) is string missing)
        {
            throw Fail("macspoofchk: " + missing);
        }
    }

    /// <summary>Verifies the masquerade rules of an attachment's addresses; throws naming the missing rule.</summary>
    public void VerifyMasquerade(string network, string ifName, string containerId, IEnumerable<IPCidr> addresses)
    {
        if (Run("verify ipmasq", nft => MasqueradeRules.Verify(nft, network, ifName, containerId, addresses)) is string missing)
        {
            throw Fail("ipMasq: " + missing);
        }
    }

    /// <summary>
    /// Removes an attachment's rules by its identity alone (no address needed, so it works once the pod's
    /// namespace is gone): with <paramref name="masquerade"/>, our masquerade rules and what the reference's
    /// iptables backend left for the container; with <paramref name="spoofCheck"/>, the spoof check. Nothing
    /// there is success. Every part is tried; the first failure is thrown at the end.
    /// </summary>
    /// <remarks>The teardown a bridge GC calls for an attachment that is no longer valid.</remarks>
    public void TearDown(string network, string containerId, string ifName, bool masquerade, bool spoofCheck, TextWriter log)
    {
        NftablesSocket nft;
        try
        {
            nft = Socket();
        }
        catch (NetlinkException e) when (e.ErrorCode == Tmds.Linux.LibC.EPROTONOSUPPORT)
        {
            // A kernel without nf_tables over netlink has no rule of ours or of iptables-nft to remove.
            log.WriteLine($"bridge: no nfnetlink in this kernel ({e.Message}): no nf_tables rule to remove");
            return;
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to remove the attachment's rules: cannot open an nfnetlink socket: {e.Message}");
        }

        CniException? failure = null;
        void Step(string what, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is NetlinkException or CniException)
            {
                failure ??= e as CniException ?? Fail($"failed to {what}: {e.Message}");
            }
        }

        if (spoofCheck)
        {
            Step("tear down the MAC spoof check", () => MacSpoofCheckRules.Teardown(nft, containerId, ifName));
        }

        if (masquerade)
        {
            Step("teardown ipmasq", () => MasqueradeRules.Teardown(nft, network, ifName, containerId));
            string chain = IptablesMasqueradeRules.ChainName(network, containerId);
            IptablesTeardownResult? iptables = null;
            Step("remove the reference's iptables masquerade chain " + chain, () => iptables = IptablesMasqueradeRules.Teardown(nft, network, containerId));
            if (iptables is { FoundLegacyTables: true })
            {
                // Rules of the legacy (x_tables) iptables are no nf_tables objects: only their own tool removes them.
                Step("remove the reference's legacy iptables masquerade chain " + chain, () =>
                {
                    foreach (string line in LegacyIptables.TearDown(iptables.LegacyTables, chain))
                    {
                        log.WriteLine("bridge: " + line);
                    }
                });
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>
    /// GC's part for the rules that have no marked link to find them by: the masquerade rules of
    /// <paramref name="network"/> whose attachment is not valid (found by the network's comment prefix), and
    /// every spoof check that is neither a valid attachment's nor for a host veth that still exists (its
    /// link gone with its namespace, so the check can match nothing). A spoof check names no network:
    /// while its port exists it is left to that port's owner. Nothing there is success.
    /// </summary>
    public void GarbageCollect(string network, IReadOnlyList<Attachment> valid, Func<string, bool> linkExists, TextWriter log)
    {
        NftablesSocket nft;
        try
        {
            nft = Socket();
        }
        catch (NetlinkException e) when (e.ErrorCode == Tmds.Linux.LibC.EPROTONOSUPPORT)
        {
            log.WriteLine($"bridge: no nfnetlink in this kernel ({e.Message}): no nf_tables rule to collect");
            return;
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to collect the rules of invalid attachments: cannot open an nfnetlink socket: {e.Message}");
        }

        CniException? failure = null;
        try
        {
            int removed = MasqueradeRules.GarbageCollect(nft, network, valid);
            if (removed > 0)
            {
                log.WriteLine($"bridge: GC removed {removed} masquerade rule(s) of invalid attachments of {network}");
            }
        }
        catch (NetlinkException e)
        {
            failure = Fail($"failed to collect the masquerade rules of {network}: {e.Message}");
        }

        try
        {
            var keep = valid.Select(a => MacSpoofCheckRules.Comment(a.ContainerId, a.IfName)).ToHashSet(StringComparer.Ordinal);
            const string CommentTag = "macspoofchk-";
            foreach (NftRule rule in nft.ListRules(NftFamily.Bridge, MacSpoofCheckRules.Table, MacSpoofCheckRules.PreroutingChain))
            {
                if (rule.Comment is not { } comment || !comment.StartsWith(CommentTag, StringComparison.Ordinal) || keep.Contains(comment)
                    || InputInterface(rule) is not { } port || linkExists(port))
                {
                    continue;
                }

                // The reference is "<containerId>-<ifName>" and only its concatenation names the chains: any split at a '-' gives it back.
                string reference = comment[CommentTag.Length..];
                int dash = reference.LastIndexOf('-');
                if (dash < 0)
                {
                    continue;
                }

                MacSpoofCheckRules.Teardown(nft, reference[..dash], reference[(dash + 1)..]);
                log.WriteLine($"bridge: GC removed the spoof check of {reference} (its port {port} is gone)");
            }
        }
        catch (NetlinkException e)
        {
            failure ??= Fail($"failed to collect the MAC spoof checks: {e.Message}");
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>The interface of a spoof check's jump rule (<c>iifname "X" jump ...</c>), or null for another rule.</summary>
    private static string? InputInterface(NftRule rule)
    {
        for (int i = 0; i + 1 < rule.Expressions.Count; i++)
        {
            if (rule.Expressions[i] is { Name: "meta", MetaKey: NftMetaKey.InputInterfaceName } && rule.Expressions[i + 1] is { Name: "cmp" } cmp)
            {
                ReadOnlySpan<byte> name = cmp.Data.Span;
                int nul = name.IndexOf((byte)0);
                return System.Text.Encoding.UTF8.GetString(nul < 0 ? name : name[..nul]);
            }
        }

        return null;
    }

    /// <summary>Closes the socket, if one was opened.</summary>
    public void Dispose()
    {
        _nft?.Dispose();
        _nft = null;
    }

    /// <summary>The socket, opened in the calling thread's namespace on first use.</summary>
    private NftablesSocket Socket() => _nft ??= NftablesSocket.Open();

    private T Run<T>(string what, Func<NftablesSocket, T> action)
    {
        try
        {
            return action(Socket());
        }
        catch (Exception e) when (e is NetlinkException or ArgumentException)
        {
            throw Fail($"failed to {what}: {e.Message}");
        }
    }

    private void Run(string what, Action<NftablesSocket> action) => Run<object?>(what, nft =>
    {
        action(nft);
        return null;
    });

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
