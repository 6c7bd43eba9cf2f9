namespace Cni.Skel;

/// <summary>The verbs of <c>CNI_COMMAND</c>.</summary>
public enum CniCommand
{
    /// <summary><c>ADD</c> (spec 0.1.0).</summary>
    Add,

    /// <summary><c>DEL</c> (spec 0.1.0).</summary>
    Del,

    /// <summary><c>CHECK</c> (spec 0.4.0).</summary>
    Check,

    /// <summary><c>VERSION</c> (spec 0.2.0).</summary>
    Version,

    /// <summary><c>STATUS</c> (spec 1.1.0).</summary>
    Status,

    /// <summary><c>GC</c> (spec 1.1.0).</summary>
    GC,
}
