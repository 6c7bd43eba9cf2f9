#!/usr/bin/env bash
# The main job, as a node admin sees it: publish our NativeAOT plugins and run them.
# (The bridge plugin's issue turns this into a two-pod demo; until then every plugin answers VERSION.)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== publishing the NativeAOT plugins into artifacts/cni-bin"
eng/publish.sh
shopt -s nullglob
plugins=(artifacts/cni-bin/*)
if ((${#plugins[@]} == 0)); then
  echo "no plugin has been published yet"; exit 0
fi
for p in "${plugins[@]}"; do
  start=$(date +%s%N)
  answer=$(echo '{"cniVersion":"1.1.0"}' | CNI_COMMAND=VERSION "$p")
  end=$(date +%s%N)
  printf '%-12s %6.1f ms  %s\n' "$(basename "$p")" "$(( (end - start) / 1000 ))e-3" "$answer"
done
