namespace Cni.Netlink.Protocol;

/// <summary>Where a nested attribute began, returned by <see cref="NetlinkWriter.BeginNested(ushort)"/> so that <see cref="NetlinkWriter.EndNested(NetlinkNestedToken)"/> can back-patch its length.</summary>
public readonly struct NetlinkNestedToken : IEquatable<NetlinkNestedToken>
{
    internal NetlinkNestedToken(int offset) => Offset = offset;

    /// <summary>The offset of the nested attribute's header in the writer's buffer.</summary>
    public int Offset { get; }

    /// <inheritdoc/>
    public bool Equals(NetlinkNestedToken other) => Offset == other.Offset;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NetlinkNestedToken other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Offset;

    /// <summary>Compares two tokens.</summary>
    /// <param name="left">A token.</param>
    /// <param name="right">Another token.</param>
    /// <returns>True when both mark the same offset.</returns>
    public static bool operator ==(NetlinkNestedToken left, NetlinkNestedToken right) => left.Equals(right);

    /// <summary>Compares two tokens.</summary>
    /// <param name="left">A token.</param>
    /// <param name="right">Another token.</param>
    /// <returns>True when they mark different offsets.</returns>
    public static bool operator !=(NetlinkNestedToken left, NetlinkNestedToken right) => !left.Equals(right);
}
