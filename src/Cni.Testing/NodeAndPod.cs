namespace Cni.Testing;

/// <summary>
/// The two namespaces most plugin tests need: a "node", standing in for the host (where a bridge, a VXLAN
/// device or rules go), and a "pod" (<c>CNI_NETNS</c>). Both are removed by <see cref="Dispose"/>, the pod first.
/// </summary>
public sealed class NodeAndPod : IDisposable
{
    private NodeAndPod(TestNamespace node, TestNamespace pod)
    {
        Node = node;
        Pod = pod;
    }

    /// <summary>The node: the namespace a plugin runs in, as it would run on the host.</summary>
    public TestNamespace Node { get; }

    /// <summary>The pod: the container's namespace, given to the plugin as <c>CNI_NETNS</c>.</summary>
    public TestNamespace Pod { get; }

    /// <summary>Makes a node (with <c>lo</c> up) and a pod namespace with unique names.</summary>
    /// <param name="tag">A short word naming the test; see <see cref="TestNamespace.Create"/>.</param>
    /// <returns>The pair; dispose it to remove both.</returns>
    public static NodeAndPod Create(string tag)
    {
        TestNamespace node = TestNamespace.Create(tag + "-n", loopbackUp: true);
        try
        {
            return new NodeAndPod(node, TestNamespace.Create(tag + "-p"));
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Removes the pod namespace, then the node's.</summary>
    public void Dispose()
    {
        Pod.Dispose();
        Node.Dispose();
    }
}
