namespace Cni.Netlink.Protocol;

/// <summary>Extended-ACK attributes after an error (<c>NLMSGERR_ATTR_*</c>, uapi <c>linux/netlink.h</c>).</summary>
public enum NetlinkErrorAttribute : ushort
{
    /// <summary><c>NLMSGERR_ATTR_UNUSED</c>: unused.</summary>
    Unused = 0,

    /// <summary><c>NLMSGERR_ATTR_MSG</c>: the kernel's error or warning message (string).</summary>
    Message = 1,

    /// <summary><c>NLMSGERR_ATTR_OFFS</c>: the offset of the faulty attribute in the request (u32).</summary>
    Offset = 2,

    /// <summary><c>NLMSGERR_ATTR_COOKIE</c>: an arbitrary cookie.</summary>
    Cookie = 3,

    /// <summary><c>NLMSGERR_ATTR_POLICY</c>: the policy of the faulty attribute.</summary>
    Policy = 4,

    /// <summary><c>NLMSGERR_ATTR_MISS_TYPE</c>: the type of a missing required attribute (u32).</summary>
    MissingType = 5,

    /// <summary><c>NLMSGERR_ATTR_MISS_NEST</c>: the offset of the nest that lacks it (u32).</summary>
    MissingNest = 6,
}
