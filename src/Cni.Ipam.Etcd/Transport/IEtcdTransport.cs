using System.Diagnostics;

namespace Cni.Ipam.Etcd.Transport;

/// <summary>
/// The seam between the store and the wire: posts one JSON body to a path of etcd's v3 JSON gateway
/// (<c>/v3/kv/range</c>, <c>/v3/kv/txn</c>...) on one endpoint, within a deadline. The store's logic (endpoint
/// order, retries, ambiguity) lives above it in <see cref="EtcdClient"/>; the one implementation is
/// <see cref="HttpEtcdTransport"/>, HTTP/1.1 on a <see cref="System.Net.Sockets.Socket"/>.
/// </summary>
internal interface IEtcdTransport : IDisposable
{
    /// <summary>How many endpoints there are.</summary>
    int EndpointCount { get; }

    /// <summary>The endpoint's URL, for messages.</summary>
    string Describe(int endpoint);

    /// <summary>Posts <paramref name="body"/> to <paramref name="path"/> on an endpoint and returns the answer.</summary>
    /// <exception cref="EtcdTransportException">No complete answer: refused, reset, timed out, malformed.</exception>
    /// <exception cref="Cni.Spec.CniException">A configuration problem no retry can cure (a TLS file, a certificate the CA did not sign).</exception>
    EtcdHttpResponse Post(int endpoint, string path, ReadOnlySpan<byte> body, Deadline deadline);
}

/// <summary>An HTTP answer: its status code and its body.</summary>
internal readonly record struct EtcdHttpResponse(int Status, byte[] Body);

/// <summary>A request that got no complete answer.</summary>
/// <param name="message">What happened.</param>
/// <param name="requestSent">Whether any byte of the request may have reached the server, so that it may have acted on it.</param>
/// <param name="inner">The cause.</param>
internal sealed class EtcdTransportException(string message, bool requestSent, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Whether the server may have acted on the request.</summary>
    public bool RequestSent { get; } = requestSent;
}

/// <summary>A point in time after which an operation gives up, measured on a monotonic clock.</summary>
internal readonly struct Deadline
{
    private readonly long _end;

    private Deadline(long end, TimeSpan budget)
    {
        _end = end;
        Budget = budget;
    }

    /// <summary>The whole time the operation was given.</summary>
    public TimeSpan Budget { get; }

    /// <summary>The time left, never negative.</summary>
    public TimeSpan Remaining
    {
        get
        {
            long left = _end - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(left * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        }
    }

    /// <summary>Whether the time is up.</summary>
    public bool Expired => Stopwatch.GetTimestamp() >= _end;

    /// <summary>The time left in whole milliseconds, at least 1 (0 would mean "forever" to a socket).</summary>
    public int RemainingMilliseconds => (int)Math.Clamp(Math.Ceiling(Remaining.TotalMilliseconds), 1, int.MaxValue);

    /// <summary>A deadline <paramref name="budget"/> from now.</summary>
    public static Deadline After(TimeSpan budget) =>
        new(Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency), budget);
}
