#!/usr/bin/env python3
"""cluster-local against host-local, as whole processes, with etcd members of its own on 127.0.0.1.

    bench/cluster-local/bench.py [--reps 31] [--adds 120] [--only latency,throughput,growth] [--leases 10,1000,60000]

Prints three tables (markdown):
  1. ADD and DEL latency per process: host-local (our NativeAOT binary, a fresh data directory) against
     cluster-local on a one-member etcd (median, p90).
  2. Allocation throughput with 1, 2 and 3 nodes (node names) on a three-member cluster: every node runs
     4 ADD processes at a time, --adds ADDs per node, all nodes at once; ADDs per second over the whole run.
  3. Cost growth with the number of leases: 10, 1,000 and 60,000 leases of a /16 written straight into etcd
     over its v3 JSON gateway in the store's layout (42 leases per transaction), then ADD, DEL, STATUS
     and GC (of a node holding none of them: it reads its own node index only) timed as processes.

Binaries: artifacts/cni-bin/{cluster-local,host-local} (eng/publish.sh). Needs etcd (Debian etcd-server).
Everything lives in a temporary directory that is removed at the end, also on failure; the etcd members
are killed by process id. Only 127.0.0.1 is used.
"""
import argparse, base64, http.client, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("OURS_DIR", os.path.join(ROOT, "artifacts", "cni-bin"))
CLUSTER_LOCAL = os.path.join(BIN, "cluster-local")
HOST_LOCAL = os.path.join(BIN, "host-local")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Etcd:
    """n members on 127.0.0.1, data in a temporary directory; stop() kills them by pid."""

    def __init__(self, work, n):
        self.procs, self.endpoints = [], []
        ports = [(free_port(), free_port()) for _ in range(n)]
        cluster = ",".join(f"m{i}=http://127.0.0.1:{p[1]}" for i, p in enumerate(ports))
        for i, (client, peer) in enumerate(ports):
            data = os.path.join(work, f"etcd{n}-m{i}")
            log = open(os.path.join(work, f"etcd{n}-m{i}.log"), "w")
            self.procs.append(subprocess.Popen([
                "etcd", "--name", f"m{i}", "--data-dir", data,
                "--listen-client-urls", f"http://127.0.0.1:{client}", "--advertise-client-urls", f"http://127.0.0.1:{client}",
                "--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                "--initial-cluster", cluster, "--initial-cluster-token", f"bench-{os.getpid()}-{n}", "--initial-cluster-state", "new",
                "--quota-backend-bytes", str(4 << 30)], stdout=log, stderr=log))
            self.endpoints.append(f"http://127.0.0.1:{client}")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if b'"health":"true"' in self.get("/health"):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("etcd did not become healthy")

    def conn(self):
        host, port = self.endpoints[0][len("http://"):].split(":")
        return http.client.HTTPConnection(host, int(port), timeout=30)

    def get(self, path):
        c = self.conn()
        c.request("GET", path)
        return c.getresponse().read()

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()


def b64(s):
    return base64.b64encode(s.encode()).decode()


def populate(etcd, prefix, network, count, node="bench-other"):
    """count leases 10.200.x.y in the store's layout, 42 per transaction (three puts each: etcd allows 128
    operations), and the hint at the last."""
    base = f"{prefix}/{network}/"
    c = etcd.conn()
    ops, last = [], None
    for i in range(count):
        n = i + 2  # 10.200.0.2 upwards
        address = f"10.200.{n >> 8}.{n & 255}"
        cid = f"pre{i:06d}"
        record = json.dumps({"containerId": cid, "ifName": "eth0", "node": node, "rangeSet": 0}, separators=(",", ":"))
        ops.append({"request_put": {"key": b64(base + "ips/" + address), "value": b64(record)}})
        ops.append({"request_put": {"key": b64(base + f"owners/{cid}/eth0/0"), "value": b64(address + " " + node)}})
        ops.append({"request_put": {"key": b64(base + f"nodes/{node}/{cid}/eth0/0"), "value": b64(address)}})
        last = address
        if len(ops) >= 126 or i == count - 1:
            c.request("POST", "/v3/kv/txn", json.dumps({"success": ops}), {"Content-Type": "application/json"})
            body = c.getresponse().read()
            if b'"error"' in body:
                raise SystemExit("populate failed: " + body.decode())
            ops = []
    if last:
        c.request("POST", "/v3/kv/put", json.dumps({"key": b64(base + "last_reserved_ip/0"), "value": b64(last)}), {"Content-Type": "application/json"})
        c.getresponse().read()


def run(binary, command, config, cid="c", extra_env=None):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "CNI_COMMAND": command, "CNI_CONTAINERID": cid, "CNI_IFNAME": "eth0",
           "CNI_NETNS": "/var/run/netns/cnibench-none", "CNI_PATH": BIN}
    env.update(extra_env or {})
    t = time.perf_counter()
    p = subprocess.run([binary], input=config.encode(), env=env, capture_output=True)
    return (time.perf_counter() - t) * 1000, p


def cl_config(endpoints, prefix, node, subnet="10.200.0.0/16", name="bench", timeout=None):
    etcd = {"endpoints": endpoints, "prefix": prefix}
    if timeout:
        etcd["timeout"] = timeout
    return json.dumps({"cniVersion": "1.1.0", "name": name, "type": "cluster-local",
                       "ipam": {"type": "cluster-local", "nodeName": node, "etcd": etcd,
                                "ranges": [[{"subnet": subnet}]]}})


def hl_config(data_dir, subnet="10.200.0.0/16", name="bench"):
    return json.dumps({"cniVersion": "1.1.0", "name": name, "type": "host-local",
                       "ipam": {"type": "host-local", "dataDir": data_dir, "ranges": [[{"subnet": subnet}]]}})


def med(xs):
    return statistics.median(xs)


def p90(xs):
    return sorted(xs)[int(len(xs) * 0.9) - 1] if len(xs) >= 10 else max(xs)


def must(p, what):
    if p.returncode != 0:
        raise SystemExit(f"{what} failed: {p.stdout.decode()} {p.stderr.decode()}")


def latency(work, reps):
    etcd = Etcd(work, 1)
    try:
        rows = []
        for label, binary, config in [
            ("host-local", HOST_LOCAL, hl_config(os.path.join(work, "hl"))),
            ("cluster-local (1 etcd member)", CLUSTER_LOCAL, cl_config(etcd.endpoints, "/bench/lat", "node-a")),
        ]:
            run(binary, "ADD", config, "warm")
            run(binary, "DEL", config, "warm")
            adds, dels = [], []
            for i in range(reps):
                ms, p = run(binary, "ADD", config, f"c{i}")
                must(p, label + " ADD")
                adds.append(ms)
            for i in range(reps):
                ms, p = run(binary, "DEL", config, f"c{i}")
                must(p, label + " DEL")
                dels.append(ms)
            ms_version = med([run(binary, "VERSION", "{\"cniVersion\":\"1.1.0\"}")[0] for _ in range(reps)])
            rows.append((label, med(adds), p90(adds), med(dels), p90(dels), ms_version))
        print(f"\n### ADD and DEL per process ({reps} each, ms)\n")
        print("| plugin | ADD median | ADD p90 | DEL median | DEL p90 | VERSION median |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r[0]} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.1f} |")
    finally:
        etcd.stop()


def throughput(work, adds):
    etcd = Etcd(work, 3)
    try:
        print(f"\n### Allocation throughput, 3-member cluster, {adds} ADDs per node, 4 processes at a time per node\n")
        print("| nodes | ADDs | wall s | ADDs/s | failed |")
        print("|---|---|---|---|---|")
        for nodes in (1, 2, 3):
            prefix = f"/bench/tp{nodes}"
            configs = [cl_config(etcd.endpoints, prefix, f"node-{n}") for n in range(nodes)]
            jobs = [(n, f"n{n}-c{i}") for n in range(nodes) for i in range(adds)]
            failed = 0
            lock = threading.Lock()

            def one(job):
                nonlocal failed
                _, p = run(CLUSTER_LOCAL, "ADD", configs[job[0]], job[1])
                if p.returncode != 0:
                    with lock:
                        failed += 1

            t = time.perf_counter()
            with ThreadPoolExecutor(max_workers=4 * nodes) as pool:
                list(pool.map(one, jobs))
            wall = time.perf_counter() - t
            print(f"| {nodes} | {len(jobs)} | {wall:.2f} | {len(jobs) / wall:.0f} | {failed} |")
    finally:
        etcd.stop()


def growth(work, counts, reps):
    etcd = Etcd(work, 1)
    try:
        print(f"\n### Cost growth with the number of leases (1 member, /16, medians of {reps}, ms)\n")
        print("| leases | populate s | ADD | DEL | STATUS | GC (node holding none) | STATUS with the default 2 s timeout |")
        print("|---|---|---|---|---|---|---|")
        for count in counts:
            prefix = f"/bench/g{count}"
            t = time.perf_counter()
            populate(etcd, prefix, "bench", count)
            pop = time.perf_counter() - t
            # A 30 s limit so that the cost is measured; with the default 2 s, a STATUS or GC that reads every
            # lease can run out of time on a loaded machine (reported below when it does).
            config = cl_config(etcd.endpoints, prefix, "node-a", timeout="30s")
            quick = cl_config(etcd.endpoints, prefix, "node-a")
            adds, dels, statuses, gcs = [], [], [], []
            for i in range(reps):
                ms, p = run(CLUSTER_LOCAL, "ADD", config, f"g{i}")
                must(p, "ADD")
                adds.append(ms)
                ms, p = run(CLUSTER_LOCAL, "DEL", config, f"g{i}")
                must(p, "DEL")
                dels.append(ms)
                ms, p = run(CLUSTER_LOCAL, "STATUS", config)
                must(p, "STATUS")
                statuses.append(ms)
            gc_config = json.loads(config)
            gc_config["cni.dev/valid-attachments"] = []
            for i in range(3):
                ms, p = run(CLUSTER_LOCAL, "GC", json.dumps(gc_config), "")
                must(p, "GC")
                gcs.append(ms)
            ms, p = run(CLUSTER_LOCAL, "STATUS", quick)
            default_status = "ok" if p.returncode == 0 else "code " + str(json.loads(p.stdout).get("code"))
            print(f"| {count:,} | {pop:.1f} | {med(adds):.1f} | {med(dels):.1f} | {med(statuses):.1f} | {med(gcs):.1f} | {default_status} ({ms:.0f} ms) |")
    finally:
        etcd.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=31)
    ap.add_argument("--adds", type=int, default=120)
    ap.add_argument("--leases", default="10,1000,60000")
    ap.add_argument("--only", default="latency,throughput,growth")
    a = ap.parse_args()
    for b in (CLUSTER_LOCAL, HOST_LOCAL):
        if not os.access(b, os.X_OK):
            raise SystemExit(f"{b} missing: run eng/publish.sh")
    if shutil.which("etcd") is None:
        raise SystemExit("etcd missing: apt-get install etcd-server")
    work = tempfile.mkdtemp(prefix="cnibench-cl-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if "latency" in a.only:
            latency(work, a.reps)
        if "throughput" in a.only:
            throughput(work, a.adds)
        if "growth" in a.only:
            growth(work, [int(x) for x in a.leases.split(",")], a.reps)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
