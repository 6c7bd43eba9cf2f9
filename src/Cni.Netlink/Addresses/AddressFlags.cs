namespace Cni.Netlink;

/// <summary>Address flags (<c>IFA_F_*</c>, uapi <c>linux/if_addr.h</c>).</summary>
[Flags]
public enum AddressFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>IFA_F_SECONDARY</c> (also <c>IFA_F_TEMPORARY</c>): a secondary (or temporary) address.</summary>
    Secondary = 0x01,

    /// <summary><c>IFA_F_NODAD</c>: skip duplicate address detection.</summary>
    NoDad = 0x02,

    /// <summary><c>IFA_F_OPTIMISTIC</c>: optimistic DAD.</summary>
    Optimistic = 0x04,

    /// <summary><c>IFA_F_DADFAILED</c>: duplicate address detection failed.</summary>
    DadFailed = 0x08,

    /// <summary><c>IFA_F_HOMEADDRESS</c>: a Mobile IPv6 home address.</summary>
    HomeAddress = 0x10,

    /// <summary><c>IFA_F_DEPRECATED</c>: deprecated (preferred lifetime over).</summary>
    Deprecated = 0x20,

    /// <summary><c>IFA_F_TENTATIVE</c>: duplicate address detection still running.</summary>
    Tentative = 0x40,

    /// <summary><c>IFA_F_PERMANENT</c>: a permanent (configured) address.</summary>
    Permanent = 0x80,

    /// <summary><c>IFA_F_MANAGETEMPADDR</c>: manage temporary addresses from this prefix.</summary>
    ManageTemporaryAddresses = 0x100,

    /// <summary><c>IFA_F_NOPREFIXROUTE</c>: add no prefix route.</summary>
    NoPrefixRoute = 0x200,

    /// <summary><c>IFA_F_MCAUTOJOIN</c>: join the multicast group automatically.</summary>
    MulticastAutoJoin = 0x400,

    /// <summary><c>IFA_F_STABLE_PRIVACY</c>: stable privacy address.</summary>
    StablePrivacy = 0x800,
}
