#!/usr/bin/env bash
# The one test command: installs what the tests need (as root, on Debian 12), builds everything
# with warnings as errors, publishes the NativeAOT programs, runs every test project and ends
# with the line "N passed, N failed, N skipped".
#
# Tests that need root, network namespaces or the Go reference plugins fail here instead of
# skipping (CNI_TESTS_STRICT=1), so nothing passes by not running; the only skips left are for a
# kernel feature this machine provably lacks (tests/Shared/Requires.cs). A snapshot test whose .snap
# file is missing fails too (SNAPSHOOTER_STRICT_MODE=true) instead of writing one and passing.
set -uo pipefail
cd "$(dirname "$0")/.."
export CNI_TESTS_STRICT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export SNAPSHOOTER_STRICT_MODE=true
started=$(date +%s)
fail_setup=0

# 1. Prerequisites from Debian, each installed only when missing (one line each below): what the plugins
#    and the tests drive (iproute2, iptables, nftables, the Go reference plugins), strace (capturing
#    netlink requests, counting executed processes), util-linux (setsid, nsenter for the chaos tests), a
#    C toolchain for NativeAOT linking, and the real services and tools of the newer suites: etcd and
#    openssl (the cluster-wide IPAM's tests start their own members, with certificates they make), Go
#    with Debian's libcni (tests/LibcniInterop, the driver tests/Cni.CniTool.Tests builds on first use),
#    ping (pod-to-pod checks), AFL++ (fuzzing), Chromium and busybox (the docs site's browser check).
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
command -v strace >/dev/null || need+=(strace)
command -v etcd >/dev/null || need+=(etcd-server)
command -v openssl >/dev/null || need+=(openssl)
command -v setsid >/dev/null && command -v nsenter >/dev/null || need+=(util-linux)
command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
[ -x /usr/lib/cni/host-local ] || need+=(containernetworking-plugins)
[ -e /usr/lib/x86_64-linux-gnu/libz.so ] || [ -e /usr/lib/libz.so ] || need+=(zlib1g-dev)
command -v go >/dev/null || need+=(golang-go)
command -v ping >/dev/null || need+=(iputils-ping)
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || need+=(golang-github-appc-cni-dev)
command -v chromium >/dev/null || need+=(chromium)
command -v busybox >/dev/null || need+=(busybox)
command -v afl-fuzz >/dev/null || need+=(afl++)
if ((${#need[@]})); then
  echo "== installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fail_setup=1
  else
    echo "not root: cannot install ${need[*]}; the tests that need them will fail"
  fi
fi

# 2. Build everything (warnings are errors), then publish the NativeAOT programs.
phase() { echo "== $1 (at $(( $(date +%s) - started )) s)"; }
phase build
if ! dotnet build Cni.Libraries.sln -c Release -warnaserror -v:q -clp:NoSummary; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
phase "publish NativeAOT programs"
eng/publish.sh || fail_setup=1
phase "pack the libraries (one version, validated) and build the sample plugin against the packages"
eng/sample-from-packages.sh
case $? in 0 | 2) ;; *) fail_setup=1 ;; esac # 2: the sample's tests ran and some failed; counted below
phase "docs site (artifacts/docs; Cni.Docs.Tests opens it in Chromium)"
eng/docs.sh --no-build || fail_setup=1

# 3. Run every test project; the testing platform prints a summary we turn into one line.
phase test
log=$(mktemp)
dotnet test --solution Cni.Libraries.sln -c Release --no-build --no-progress 2>&1 | tee "$log" | grep -vE '^\s*$'
total=$(grep -oP '^\s*total:\s*\K\d+' "$log" | tail -1)
failed=$(grep -oP '^\s*failed:\s*\K\d+' "$log" | tail -1)
passed=$(grep -oP '^\s*succeeded:\s*\K\d+' "$log" | tail -1)
skipped=$(grep -oP '^\s*skipped:\s*\K\d+' "$log" | tail -1)
rm -f "$log"
# The sample's tests ran against the packed packages (eng/sample-from-packages.sh), outside the solution:
# their counts join the line; no summary of theirs is one failure.
sample_log=artifacts/from-packages/tests.log
if [ -n "$(grep -oP '^\s*total:\s*\K\d+' "$sample_log" 2>/dev/null | tail -1)" ]; then
  count() { grep -oP "^\\s*$1:\\s*\\K\\d+" "$sample_log" | tail -1; }
  passed=$(( ${passed:-0} + $(count succeeded) ))
  failed=$(( ${failed:-0} + $(count failed) ))
  skipped=$(( ${skipped:-0} + $(count skipped) ))
else
  echo "no summary of the sample's tests (samples/StaticRoutes.Tests) in $sample_log"
  fail_setup=$(( fail_setup + 1 ))
fi

# 4. Bounded fuzzing (eng/fuzz.sh): each target for 22 s under afl-fuzz; each target with a new finding is one failure.
phase fuzz
eng/fuzz.sh run 22
fail_setup=$(( fail_setup + $? ))
if [ -z "$total" ]; then
  echo "no test summary found: the test run did not complete"
  failed=$(( ${failed:-0} + 1 ))
fi
failed=$(( ${failed:-0} + fail_setup ))
echo "== took $(( $(date +%s) - started )) s"
echo "${passed:-0} passed, ${failed} failed, ${skipped:-0} skipped"
[ "$failed" = 0 ]
