using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Cni.Spec;

namespace Cni.Ipam.Etcd.Transport;

/// <summary>
/// etcd's v3 JSON gateway over a minimal HTTP/1.1 client on <see cref="Socket"/>: synchronous I/O with the
/// deadline applied to every connect, send and receive, keep-alive connections pooled per endpoint, and
/// <see cref="SslStream"/> with client certificates for <c>https</c>.
/// </summary>
/// <remarks>
/// Chosen over <see cref="System.Net.Http.HttpClient"/> and gRPC because a CNI plugin is a short-lived
/// process that makes a handful of requests: this client starts no thread pool work, links no HTTP stack and
/// no protobuf, and costs the least start-up time and memory of the options measured (see the package README).
/// It speaks exactly what the gateway needs: POST with a <c>Content-Length</c> body, and answers with
/// <c>Content-Length</c>, chunked encoding or a closed connection.
/// </remarks>
internal sealed class HttpEtcdTransport : IEtcdTransport
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 512 * 1024 * 1024;

    private readonly Endpoint[] _endpoints;
    private readonly TlsSettings? _tls;
    private bool _disposed;

    public HttpEtcdTransport(IReadOnlyList<Uri> endpoints, TlsSettings? tls)
    {
        _endpoints = [.. endpoints.Select(u => new Endpoint(u))];
        _tls = tls;
    }

    public int EndpointCount => _endpoints.Length;

    public string Describe(int endpoint) => _endpoints[endpoint].Url;

    public EtcdHttpResponse Post(int endpoint, string path, ReadOnlySpan<byte> body, Deadline deadline)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Endpoint ep = _endpoints[endpoint];
        byte[] request = BuildRequest(ep, path, body);
        for (int attempt = 0; ; attempt++)
        {
            Connection? connection = ep.TakeIdle();
            bool reused = connection is not null;
            connection ??= Connection.Open(ep, _tls, deadline);
            try
            {
                EtcdHttpResponse response = connection.Exchange(request, deadline, out bool keepAlive);
                if (keepAlive && !_disposed)
                {
                    ep.ReturnIdle(connection);
                }
                else
                {
                    connection.Dispose();
                }

                return response;
            }
            catch (EtcdTransportException e) when (reused && attempt == 0 && e.InnerException is ClosedBeforeAnswerException)
            {
                // A kept-alive connection the server had closed while it was idle: it read nothing, so a new
                // connection may send the request again without any ambiguity.
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (Endpoint ep in _endpoints)
        {
            ep.CloseIdle();
        }
    }

    private static byte[] BuildRequest(Endpoint ep, string path, ReadOnlySpan<byte> body)
    {
        string head = $"POST {path} HTTP/1.1\r\nHost: {ep.HostHeader}\r\nContent-Type: application/json\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        byte[] request = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        int n = Encoding.ASCII.GetBytes(head, request);
        body.CopyTo(request.AsSpan(n));
        return request;
    }

    /// <summary>The server closed the connection before sending one byte of an answer.</summary>
    private sealed class ClosedBeforeAnswerException() : IOException("the connection was closed before an answer");

    /// <summary>The client side of TLS: the CA that alone is trusted and the client certificate, loaded once.</summary>
    internal sealed class TlsSettings
    {
        private readonly Lazy<(X509Certificate2Collection Ca, X509Certificate2? Client)> _loaded;

        public TlsSettings(string caFile, string? certFile, string? keyFile)
        {
            CaFile = caFile;
            CertFile = certFile;
            KeyFile = keyFile;
            _loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string CaFile { get; }

        public string? CertFile { get; }

        public string? KeyFile { get; }

        public X509Certificate2Collection Ca => _loaded.Value.Ca;

        public X509Certificate2? ClientCertificate => _loaded.Value.Client;

        private (X509Certificate2Collection, X509Certificate2?) Load()
        {
            var ca = new X509Certificate2Collection();
            try
            {
                ca.ImportFromPemFile(CaFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw Config($"cannot read the etcd CA file {CaFile}: {e.Message}", e);
            }

            if (ca.Count == 0)
            {
                throw Config($"the etcd CA file {CaFile} holds no PEM certificate", null);
            }

            X509Certificate2? client = null;
            if (CertFile is not null && KeyFile is not null)
            {
                try
                {
                    client = X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
                {
                    throw Config($"cannot read the etcd client certificate {CertFile} with its key {KeyFile}: {e.Message}", e);
                }
            }

            return (ca, client);
        }
    }

    private static CniException Config(string message, Exception? inner) => new(CniErrorCode.InvalidNetworkConfig, message, null, inner);

    private sealed class Endpoint
    {
        private readonly Stack<Connection> _idle = new();

        public Endpoint(Uri url)
        {
            Url = url.GetLeftPart(UriPartial.Authority);
            Secure = url.Scheme == Uri.UriSchemeHttps;
            Host = url.IdnHost;
            Port = url.Port;
            HostHeader = url.Authority;
        }

        public string Url { get; }

        public bool Secure { get; }

        public string Host { get; }

        public int Port { get; }

        public string HostHeader { get; }

        public Connection? TakeIdle()
        {
            lock (_idle)
            {
                return _idle.TryPop(out Connection? c) ? c : null;
            }
        }

        public void ReturnIdle(Connection connection)
        {
            lock (_idle)
            {
                _idle.Push(connection);
            }
        }

        public void CloseIdle()
        {
            lock (_idle)
            {
                while (_idle.TryPop(out Connection? c))
                {
                    c.Dispose();
                }
            }
        }
    }

    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;
        private int _exchanges;

        private Connection(Socket socket, Stream stream, string? tlsHint)
        {
            _socket = socket;
            _stream = stream;
            TlsHint = tlsHint;
        }

        /// <summary>
        /// What to add to a failure of the first exchange on a new TLS connection: with TLS 1.3 a server that
        /// refuses the client certificate does so after the client's handshake has completed, so the refusal shows
        /// only as a reset of the first request.
        /// </summary>
        private string? TlsHint { get; }

        public static Connection Open(Endpoint ep, TlsSettings? tls, Deadline deadline)
        {
            IPAddress[] addresses;
            if (IPAddress.TryParse(ep.Host, out IPAddress? literal))
            {
                addresses = [literal];
            }
            else
            {
                try
                {
                    addresses = Dns.GetHostAddresses(ep.Host);
                }
                catch (SocketException e)
                {
                    throw new EtcdTransportException($"cannot resolve {ep.Host}: {e.Message}", requestSent: false, e);
                }
            }

            Exception? last = null;
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    Connect(socket, new IPEndPoint(address, ep.Port), deadline);
                    socket.SendTimeout = deadline.RemainingMilliseconds;
                    socket.ReceiveTimeout = deadline.RemainingMilliseconds;
                    Stream stream = new NetworkStream(socket, ownsSocket: false);
                    string? hint = null;
                    if (ep.Secure)
                    {
                        stream = Authenticate(ep, stream, tls!);
                        hint = tls!.CertFile is null
                            ? " (a new TLS connection was closed: the server may require a client certificate, and none is configured)"
                            : $" (a new TLS connection was closed: the server may have refused the client certificate {tls.CertFile})";
                    }

                    return new Connection(socket, stream, hint);
                }
                catch (Exception e) when (e is SocketException or IOException or AuthenticationException or EtcdTransportException)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last as EtcdTransportException ?? new EtcdTransportException($"cannot connect to {ep.Url}: {last?.Message}", requestSent: false, last);
        }

        /// <summary>Sends a request and reads its answer, giving up at the deadline.</summary>
        public EtcdHttpResponse Exchange(byte[] request, Deadline deadline, out bool keepAlive)
        {
            bool answered = false;
            bool written = false;
            try
            {
                _exchanges++;
                _socket.SendTimeout = deadline.RemainingMilliseconds;
                _stream.Write(request);
                _stream.Flush();
                written = true;
                string status = ReadLine(deadline, ref answered);
                if (!status.StartsWith("HTTP/1.", StringComparison.Ordinal) || status.Length < 12 ||
                    !int.TryParse(status.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code))
                {
                    throw new IOException("not an HTTP answer: " + status);
                }

                long length = -1;
                bool chunked = false;
                keepAlive = status.StartsWith("HTTP/1.1", StringComparison.Ordinal);
                for (string line; (line = ReadLine(deadline, ref answered)).Length != 0;)
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        continue;
                    }

                    ReadOnlySpan<char> name = line.AsSpan(0, colon).Trim();
                    ReadOnlySpan<char> value = line.AsSpan(colon + 1).Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        length = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    }
                    else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                    }
                    else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    {
                        keepAlive = !value.Equals("close", StringComparison.OrdinalIgnoreCase);
                    }
                }

                byte[] body;
                if (chunked)
                {
                    body = ReadChunked(deadline);
                }
                else if (length >= 0)
                {
                    body = ReadExactly(checked((int)Math.Min(length, MaxBodyBytes + 1L)), deadline);
                }
                else
                {
                    body = ReadToEnd(deadline);
                    keepAlive = false;
                }

                return new EtcdHttpResponse(code, body);
            }
            catch (Exception e) when (e is IOException or SocketException or FormatException or OverflowException or ObjectDisposedException)
            {
                bool timedOut = e is SocketException { SocketErrorCode: SocketError.TimedOut } || e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut };
                string what = timedOut ? "no answer in time" : e.Message;
                if (!answered && _exchanges == 1 && TlsHint is not null && !timedOut)
                {
                    what += TlsHint;
                }

                // Not sent, so not ambiguous: a write that failed did not hand the whole request to the kernel, so
                // the server cannot have read a complete request to act on; and a TLS error (not a socket error) on the
                // first exchange of a new connection is the server's alert refusing the session (with TLS 1.3, the
                // client certificate is refused so), which it sends instead of reading any request.
                bool refusedSession = !answered && _exchanges == 1 && TlsHint is not null && e is IOException { InnerException: { } inner } && inner is not SocketException and not IOException;
                throw new EtcdTransportException(what, requestSent: written && !refusedSession, e);
            }
        }

        public void Dispose()
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // Closing a broken connection.
            }

            _socket.Dispose();
        }

        private static void Connect(Socket socket, IPEndPoint endpoint, Deadline deadline)
        {
            socket.Blocking = false;
            try
            {
                socket.Connect(endpoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                if (!socket.Poll(TimeSpan.FromMilliseconds(deadline.RemainingMilliseconds), SelectMode.SelectWrite))
                {
                    throw new EtcdTransportException($"cannot connect to {endpoint} in time", requestSent: false);
                }

                if (socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is int error && error != 0)
                {
                    throw new SocketException(error);
                }
            }

            socket.Blocking = true;
        }

        private static SslStream Authenticate(Endpoint ep, Stream stream, TlsSettings tls)
        {
            string? problem = null;
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = ep.Host,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                },
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    if (errors == SslPolicyErrors.None)
                    {
                        return true;
                    }

                    if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                    {
                        problem = $"{ep.Url} presented no certificate";
                    }
                    else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
                    {
                        string status = chain is null ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length != 0).Distinct());
                        problem = $"the certificate of {ep.Url} ({certificate?.Subject}) is not signed by the CA in {tls.CaFile}" + (status.Length == 0 ? "" : ": " + status);
                    }
                    else
                    {
                        problem = $"the certificate of {ep.Url} ({certificate?.Subject}) is not valid for the host {ep.Host} (CA {tls.CaFile})";
                    }

                    return false;
                },
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(tls.Ca);
            if (tls.ClientCertificate is { } client)
            {
                options.ClientCertificateContext = SslStreamCertificateContext.Create(client, additionalCertificates: null, offline: true);
            }

            try
            {
                ssl.AuthenticateAsClient(options);
                return ssl;
            }
            catch (AuthenticationException e) when (problem is not null)
            {
                ssl.Dispose();
                throw Config("etcd TLS refused: " + problem, e);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                ssl.Dispose();
                string who = tls.CertFile is null ? "no client certificate configured" : $"client certificate {tls.CertFile}";
                throw new EtcdTransportException($"TLS handshake with {ep.Url} failed ({who}): {e.Message}", requestSent: false, e);
            }
        }

        private string ReadLine(Deadline deadline, ref bool answered)
        {
            while (true)
            {
                int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    int lineEnd = _start + newline;
                    int textEnd = lineEnd > _start && _buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                    string line = Encoding.Latin1.GetString(_buffer, _start, textEnd - _start);
                    _start = lineEnd + 1;
                    return line;
                }

                if (_end - _start >= MaxHeaderBytes || (_start == 0 && _end == _buffer.Length))
                {
                    throw new IOException("an HTTP header line is too long");
                }

                if (Fill(deadline) == 0)
                {
                    throw answered ? new IOException("the connection was closed in the middle of an answer") : new ClosedBeforeAnswerException();
                }

                answered = true;
            }
        }

        private int Fill(Deadline deadline)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            _socket.ReceiveTimeout = deadline.RemainingMilliseconds;
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            _end += n;
            return n;
        }

        private byte[] ReadExactly(int length, Deadline deadline)
        {
            if (length > MaxBodyBytes)
            {
                throw new IOException("the answer is too large");
            }

            byte[] body = new byte[length];
            int have = Math.Min(length, _end - _start);
            Buffer.BlockCopy(_buffer, _start, body, 0, have);
            _start += have;
            while (have < length)
            {
                _socket.ReceiveTimeout = deadline.RemainingMilliseconds;
                int n = _stream.Read(body, have, length - have);
                if (n == 0)
                {
                    throw new IOException("the connection was closed in the middle of an answer");
                }

                have += n;
            }

            return body;
        }

        private byte[] ReadChunked(Deadline deadline)
        {
            using var body = new MemoryStream();
            bool answered = true;
            while (true)
            {
                string sizeLine = ReadLine(deadline, ref answered);
                int semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                int size = int.Parse(semicolon < 0 ? sizeLine.AsSpan().Trim() : sizeLine.AsSpan(0, semicolon).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (ReadLine(deadline, ref answered).Length != 0)
                    {
                        // Trailers: none expected, none needed.
                    }

                    return body.ToArray();
                }

                if (body.Length + size > MaxBodyBytes)
                {
                    throw new IOException("the answer is too large");
                }

                body.Write(ReadExactly(size, deadline));
                if (ReadLine(deadline, ref answered).Length != 0)
                {
                    throw new IOException("malformed chunked encoding");
                }
            }
        }

        private byte[] ReadToEnd(Deadline deadline)
        {
            using var body = new MemoryStream();
            body.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            while (Fill(deadline) != 0)
            {
                if (body.Length + _end > MaxBodyBytes)
                {
                    throw new IOException("the answer is too large");
                }

                body.Write(_buffer, 0, _end);
                _start = _end = 0;
            }

            return body.ToArray();
        }
    }
}
