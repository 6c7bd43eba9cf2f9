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

# 1. Prerequisites from Debian: iproute2 (ip, namespaces), iptables and nftables (the Go plugins'
#    rules, and reading the nf_tables rules back), the Go reference plugins, strace (capturing netlink
#    requests, counting executed processes), and a C toolchain for NativeAOT linking.
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
command -v strace >/dev/null || need+=(strace)
command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
[ -x /usr/lib/cni/host-local ] || need+=(containernetworking-plugins)
[ -e /usr/lib/x86_64-linux-gnu/libz.so ] || [ -e /usr/lib/libz.so ] || need+=(zlib1g-dev)
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
phase "pack the libraries and build the sample plugin against the packages"
eng/sample-from-packages.sh || fail_setup=1

# 3. Run every test project; the testing platform prints a summary we turn into one line.
phase test
log=$(mktemp)
dotnet test --solution Cni.Libraries.sln -c Release --no-build --no-progress 2>&1 | tee "$log" | grep -vE '^\s*$'
total=$(grep -oP '^\s*total:\s*\K\d+' "$log" | tail -1)
failed=$(grep -oP '^\s*failed:\s*\K\d+' "$log" | tail -1)
passed=$(grep -oP '^\s*succeeded:\s*\K\d+' "$log" | tail -1)
skipped=$(grep -oP '^\s*skipped:\s*\K\d+' "$log" | tail -1)
rm -f "$log"

# 4. Bounded fuzzing (eng/fuzz.sh): each target for 25 s under afl-fuzz; each target with a new finding is one failure.
phase fuzz
eng/fuzz.sh run 25
fail_setup=$(( fail_setup + $? ))
if [ -z "$total" ]; then
  echo "no test summary found: the test run did not complete"
  failed=$(( ${failed:-0} + 1 ))
fi
failed=$(( ${failed:-0} + fail_setup ))
echo "== took $(( $(date +%s) - started )) s"
echo "${passed:-0} passed, ${failed} failed, ${skipped:-0} skipped"
[ "$failed" = 0 ]
