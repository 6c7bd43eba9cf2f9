using Cni.Netlink.Protocol;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// A netlink request failed, the kernel's reply could not be understood, or a system call
/// behind a netlink or namespace operation failed.
/// </summary>
/// <remarks>
/// Carries the positive <c>errno</c> (<see cref="ErrorCode"/>), the type of the request that failed
/// (<see cref="RequestType"/>), and the kernel's extended-ACK text (<see cref="KernelMessage"/>) when the
/// kernel gave one. <see cref="IsNotFound"/> and <see cref="IsExists"/> let callers make DEL and
/// <c>Ensure*</c> steps idempotent. A malformed reply is reported with <c>EBADMSG</c> and
/// <see cref="IsMalformedReply"/>.
/// </remarks>
public sealed class NetlinkException : IOException
{
    /// <summary>Creates an exception for a failed request.</summary>
    /// <param name="errorCode">The positive errno.</param>
    /// <param name="requestType">The <c>nlmsg_type</c> of the request, or 0 when there was none.</param>
    /// <param name="kernelMessage">The kernel's extended-ACK message, if any.</param>
    /// <param name="context">What was being done, for the message (for example the interface name).</param>
    public NetlinkException(int errorCode, ushort requestType, string? kernelMessage, string? context)
        : base(Format(errorCode, requestType, kernelMessage, context))
    {
        ErrorCode = errorCode;
        RequestType = requestType;
        KernelMessage = kernelMessage;
        HResult = errorCode;
    }

    /// <summary>Creates an exception with a message of its own and the given errno.</summary>
    /// <param name="message">The message.</param>
    /// <param name="errorCode">The positive errno.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NetlinkException(string message, int errorCode, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        HResult = errorCode;
    }

    // A failure whose message the caller composed (nf_tables names the operation itself), with the request's type and
    // the kernel's extended-ACK text kept apart for callers that read them.
    internal NetlinkException(string message, int errorCode, ushort requestType, string? kernelMessage)
        : base(message)
    {
        ErrorCode = errorCode;
        RequestType = requestType;
        KernelMessage = string.IsNullOrEmpty(kernelMessage) ? null : kernelMessage;
        HResult = errorCode;
    }

    /// <summary>The positive <c>errno</c> (for example 17 for <c>EEXIST</c>).</summary>
    public int ErrorCode { get; }

    /// <summary>
    /// The <c>nlmsg_type</c> of the request that failed, or 0: an <see cref="RtmType"/> for rtnetlink; for nf_tables
    /// <c>(NFNL_SUBSYS_NFTABLES &lt;&lt; 8) | </c><see cref="NftMessageType"/> (<see cref="NftMessageTypes.ToNetlinkType(NftMessageType)"/>),
    /// or <see cref="NfnetlinkMessageType.BatchBegin"/> when the kernel refused a batch as a whole.
    /// </summary>
    public ushort RequestType { get; }

    /// <summary>The kernel's extended-ACK message (<c>NLMSGERR_ATTR_MSG</c>), when it sent one.</summary>
    public string? KernelMessage { get; }

    /// <summary>
    /// True when the object the request named does not exist: <c>ENODEV</c> (no such link),
    /// <c>ENOENT</c> (no such neighbour or namespace), <c>ESRCH</c> (no such route),
    /// <c>ENXIO</c>, or <c>EADDRNOTAVAIL</c> (no such address).
    /// </summary>
    public bool IsNotFound => ErrorCode == LibC.ENODEV || ErrorCode == LibC.ENOENT || ErrorCode == LibC.ESRCH || ErrorCode == LibC.ENXIO || ErrorCode == LibC.EADDRNOTAVAIL;

    /// <summary>True when the object already exists (<c>EEXIST</c>).</summary>
    public bool IsExists => ErrorCode == LibC.EEXIST;

    /// <summary>True when the kernel's reply was malformed (<c>EBADMSG</c>).</summary>
    public bool IsMalformedReply => ErrorCode == LibC.EBADMSG;

    internal static NetlinkException Malformed(string what) =>
        new("malformed netlink message: " + what, LibC.EBADMSG, null);

    internal static NetlinkException FromErrno(int errno, string operation) =>
        new($"{operation} failed: {Errno.Describe(errno)}", errno, null);

    private static string Format(int errorCode, ushort requestType, string? kernelMessage, string? context)
    {
        string request = requestType == 0 ? "netlink request" : RtmTypeNames.Of(requestType);
        string text = $"{request}{(context is null ? "" : " (" + context + ")")} failed: {Errno.Describe(errorCode)}";
        return string.IsNullOrEmpty(kernelMessage) ? text : $"{text}: {kernelMessage}";
    }
}
