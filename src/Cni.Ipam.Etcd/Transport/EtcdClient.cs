using System.Globalization;
using System.Text.Json;
using Cni.Spec;

namespace Cni.Ipam.Etcd.Transport;

/// <summary>
/// One gateway call made reliable within a deadline: endpoints are tried in order (starting with the one that
/// answered last), a member that does not answer or answers that it cannot serve now (no leader, timed out,
/// overloaded) passes the call to the next, and rounds repeat until the deadline; then the call fails with
/// <see cref="CniErrorCode.TryAgainLater"/>. Answers that no retry can change fail at once.
/// </summary>
internal sealed class EtcdClient(IEtcdTransport transport) : IDisposable
{
    private static readonly TimeSpan RoundPause = TimeSpan.FromMilliseconds(50);
    private int _preferred;

    /// <summary>The transport.</summary>
    public IEtcdTransport Transport { get; } = transport;

    /// <summary>Makes one call.</summary>
    /// <param name="path">The gateway path, such as <c>/v3/kv/txn</c>.</param>
    /// <param name="body">The JSON request.</param>
    /// <param name="deadline">When to give up.</param>
    /// <param name="ambiguous">Whether an earlier attempt of this call may have been applied without an answer reaching us.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.TryAgainLater"/> when no member answered in time; <see cref="CniErrorCode.IOFailure"/>
    /// when etcd refused the request for good; <see cref="CniErrorCode.InvalidNetworkConfig"/> for TLS files.
    /// </exception>
    public EtcdResult Call(string path, byte[] body, Deadline deadline, out bool ambiguous)
    {
        ambiguous = false;
        return CallTracked(path, body, deadline, ref ambiguous);
    }

    /// <summary>
    /// Makes one call, recording in <paramref name="ambiguous"/> (which it only ever sets) whether an attempt may
    /// have been applied without its answer reaching us, so that a caller still knows it when the call throws
    /// <see cref="CniErrorCode.TryAgainLater"/>.
    /// </summary>
    /// <param name="path">The gateway path.</param>
    /// <param name="body">The JSON request.</param>
    /// <param name="deadline">When to give up.</param>
    /// <param name="ambiguous">Set when an attempt was sent and got no answer, or an answer that it may still be applied.</param>
    /// <returns>The answer.</returns>
    public EtcdResult CallTracked(string path, byte[] body, Deadline deadline, ref bool ambiguous)
    {
        string last = "no attempt";
        int count = Transport.EndpointCount;
        while (true)
        {
            int start = Volatile.Read(ref _preferred);
            for (int k = 0; k < count && !deadline.Expired; k++)
            {
                int i = (start + k) % count;
                EtcdHttpResponse response;
                try
                {
                    response = Transport.Post(i, path, body, deadline);
                }
                catch (EtcdTransportException e)
                {
                    ambiguous |= e.RequestSent;
                    last = $"{Transport.Describe(i)}: {e.Message}";
                    continue;
                }

                EtcdResult result;
                try
                {
                    result = EtcdJson.Parse(response.Body);
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
                {
                    ambiguous = true;
                    last = $"{Transport.Describe(i)}: unreadable answer (HTTP {response.Status}): {e.Message}";
                    continue;
                }

                if (response.Status == 200 && result.Error is null)
                {
                    Volatile.Write(ref _preferred, i);
                    return result;
                }

                string error = $"{Transport.Describe(i)}: {result.Error ?? "HTTP " + response.Status.ToString(CultureInfo.InvariantCulture)}";
                if (!IsTransient(response.Status, result))
                {
                    throw new CniException(CniErrorCode.IOFailure, $"etcd refused {path}: {error} (code {result.Code.ToString(CultureInfo.InvariantCulture)})");
                }

                ambiguous |= !NotApplied(result);
                last = error;
            }

            if (deadline.Expired)
            {
                throw Unavailable(deadline, last);
            }

            TimeSpan pause = deadline.Remaining < RoundPause ? deadline.Remaining : RoundPause;
            Thread.Sleep(pause);
        }
    }

    /// <summary>The error for "no member answered in time".</summary>
    public CniException Unavailable(Deadline deadline, string last)
    {
        var endpoints = Enumerable.Range(0, Transport.EndpointCount).Select(Transport.Describe);
        return new CniException(
            CniErrorCode.TryAgainLater,
            $"etcd did not answer within {deadline.Budget.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s ({string.Join(", ", endpoints)}): {last}; try again later");
    }

    public void Dispose() => Transport.Dispose();

    /// <summary>
    /// Whether a member's error says that it did not act on the request: it has no leader, dropped the proposal,
    /// or refused it for load. A request that timed out ("request timed out", also "possibly due to previous leader
    /// failure") may still be applied, and so may anything else.
    /// </summary>
    private static bool NotApplied(EtcdResult result) =>
        result.Error is { } e &&
        (e.Contains("no leader", StringComparison.Ordinal) || e.Contains("proposal dropped", StringComparison.Ordinal) ||
         e.Contains("too many requests", StringComparison.Ordinal) || e.Contains("not capable", StringComparison.Ordinal));

    /// <summary>
    /// Whether a member's error may clear by itself or on another member: gRPC Unknown (2), DeadlineExceeded (4),
    /// ResourceExhausted (8), Aborted (10), Unavailable (14) — etcd's "no leader", "request timed out", "leader
    /// changed", "too many requests", "raft proposal dropped" — or an HTTP 5xx without a code.
    /// </summary>
    private static bool IsTransient(int status, EtcdResult result) =>
        result.Code is 1 or 2 or 4 or 8 or 10 or 14 || (result.Code == 0 && status >= 500);
}
