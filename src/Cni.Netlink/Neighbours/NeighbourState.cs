namespace Cni.Netlink;

/// <summary>Neighbour states (<c>NUD_*</c>, uapi <c>linux/neighbour.h</c>).</summary>
[Flags]
public enum NeighbourState : ushort
{
    /// <summary><c>NUD_NONE</c>: no state.</summary>
    None = 0,

    /// <summary><c>NUD_INCOMPLETE</c>: resolution in progress.</summary>
    Incomplete = 0x01,

    /// <summary><c>NUD_REACHABLE</c>: confirmed reachable.</summary>
    Reachable = 0x02,

    /// <summary><c>NUD_STALE</c>: reachability unconfirmed.</summary>
    Stale = 0x04,

    /// <summary><c>NUD_DELAY</c>: waiting before probing.</summary>
    Delay = 0x08,

    /// <summary><c>NUD_PROBE</c>: probing.</summary>
    Probe = 0x10,

    /// <summary><c>NUD_FAILED</c>: resolution failed.</summary>
    Failed = 0x20,

    /// <summary><c>NUD_NOARP</c>: valid without resolution.</summary>
    NoArp = 0x40,

    /// <summary><c>NUD_PERMANENT</c>: a static entry.</summary>
    Permanent = 0x80,
}
