#!/usr/bin/env python3
"""Scale run: 60,000 leases in a /16, ADD and DEL timed as whole processes, ours beside the reference.

Each binary gets its own data directory holding the same 60,000 lease files (the reference's layout,
as the reference itself writes them). Then, for each binary, REPS times: ADD a new container, DEL it,
each a fresh process; the medians are printed. For ours, the first operation after the directory was
written by someone else rebuilds the owner index with one full scan; it is timed separately. Finally
strace counts the files each binary opens for one ADD and one DEL.

usage: sudo bench/host-local/scale.py [leases=60000] [reps=11] [ours] [reference]
"""
import os, shutil, statistics, subprocess, sys, tempfile, time, re

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
leases = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 11
ours = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "artifacts", "cni-bin", "host-local")
go = sys.argv[4] if len(sys.argv) > 4 else "/usr/lib/cni/host-local"
NET = "scale"


def config(data_dir):
    return ('{"cniVersion":"1.0.0","name":"%s","type":"host-local","ipam":{"type":"host-local","dataDir":"%s",'
            '"ranges":[[{"subnet":"10.100.0.0/16"}]]}}' % (NET, data_dir))


def populate(data_dir):
    net = os.path.join(data_dir, NET)
    os.makedirs(net, mode=0o755)
    last = None
    for i in range(leases):
        n = i + 2  # .0.2 onwards; .0.1 is the gateway
        name = "10.100.%d.%d" % (n >> 8, n & 255)
        with open(os.path.join(net, name), "w") as f:
            f.write("seed%d\r\neth0" % i)
        os.chmod(os.path.join(net, name), 0o644)
        last = name
    with open(os.path.join(net, "last_reserved_ip.0"), "w") as f:
        f.write(last)
    open(os.path.join(net, "lock"), "w").close()
    os.chmod(os.path.join(net, "lock"), 0o750)


def run(binary, command, cid, data_dir, strace=None):
    env = {"CNI_COMMAND": command, "CNI_CONTAINERID": cid, "CNI_NETNS": "/var/run/netns/none",
           "CNI_IFNAME": "eth0", "CNI_PATH": "/nonexistent", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    argv = [binary] if strace is None else ["strace", "-f", "-c", "-o", strace, "-e", "trace=openat,open", binary]
    start = time.perf_counter()
    p = subprocess.run(argv, input=config(data_dir).encode(), env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit("%s %s %s failed: %s" % (binary, command, cid, p.stdout.decode()))
    return elapsed


def run_version(binary):
    start = time.perf_counter()
    subprocess.run([binary], input=b'{"cniVersion":"1.0.0"}', env={"CNI_COMMAND": "VERSION"}, capture_output=True, check=True)
    return time.perf_counter() - start


def opens(path):
    calls = 0
    for line in open(path):
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)(?:\s+\d+)?\s+(openat|open)$", line)
        if m:
            calls += int(m.group(1))
    return calls


def ms(seconds):
    return "%.1f ms" % (seconds * 1000)


results = {}
base = tempfile.mkdtemp(prefix="cnibench-scale-")
try:
    for who, binary in (("ours", ours), ("reference", go)):
        data_dir = os.path.join(base, who)
        t = time.perf_counter()
        populate(data_dir)
        print("%s: %d leases written in %.1f s" % (who, leases, time.perf_counter() - t), flush=True)
        first = run(binary, "ADD", "warm", data_dir)
        run(binary, "DEL", "warm", data_dir)
        adds, dels = [], []
        for i in range(reps):
            adds.append(run(binary, "ADD", "c%d" % i, data_dir))
            dels.append(run(binary, "DEL", "c%d" % i, data_dir))
        # The other binary writes once (a node switching back and forth); the next call of this one.
        other = go if who == "ours" else ours
        run(other, "ADD", "foreign", data_dir)
        again = run(binary, "DEL", "foreign", data_dir)
        trace = os.path.join(base, who + ".strace")
        run(binary, "ADD", "traced", data_dir, strace=trace + ".add")
        run(binary, "DEL", "traced", data_dir, strace=trace + ".del")
        version = statistics.median(run_version(binary) for _ in range(reps))
        results[who] = (first, statistics.median(adds), statistics.median(dels), opens(trace + ".add"), opens(trace + ".del"), again, version)
        print("%s: first ADD %s; ADD median %s, DEL median %s over %d each; files opened by one ADD %d, by one DEL %d"
              % (who, ms(first), ms(results[who][1]), ms(results[who][2]), reps, results[who][3], results[who][4]), flush=True)
        shutil.rmtree(data_dir)
    o, g = results["ours"], results["reference"]
    print()
    print("| %d leases in a /16, whole processes | ours | reference | ratio |" % leases)
    print("|---|---|---|---|")
    print("| first ADD after another writer (ours rebuilds its index) | %s | %s | %.1fx |" % (ms(o[0]), ms(g[0]), g[0] / o[0]))
    print("| ADD, median of %d | %s | %s | %.0fx |" % (reps, ms(o[1]), ms(g[1]), g[1] / o[1]))
    print("| DEL, median of %d | %s | %s | %.0fx |" % (reps, ms(o[2]), ms(g[2]), g[2] / o[2]))
    print("| next DEL after the other binary wrote the directory once | %s | %s | |" % (ms(o[5]), ms(g[5])))
    print("| files opened by one ADD / DEL | %d / %d | %d / %d | |" % (o[3], o[4], g[3], g[4]))
    print("| process floor: VERSION, median of %d | %s | %s | |" % (reps, ms(o[6]), ms(g[6])))
finally:
    shutil.rmtree(base, ignore_errors=True)
