#!/usr/bin/env bash
# Publishes every NativeAOT program of the repository with warnings as errors:
#   artifacts/cni-bin/<executable>   our plugins (and the sample), ready to use as CNI_PATH
#   artifacts/aot/<Project>/         other NativeAOT programs (smoke tests)
# A trim or AOT warning fails the publish, and so the script.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=artifacts/cni-bin
mkdir -p "$bin" artifacts/aot
status=0

publish() { # project-file output-dir
  local proj=$1 out=$2 log
  log=$(mktemp)
  if dotnet publish "$proj" -c Release -o "$out" -warnaserror -p:TreatWarningsAsErrors=true -v:q -clp:NoSummary >"$log" 2>&1; then
    printf '  published %-40s -> %s\n' "$(basename "$proj" .csproj)" "$out"
  else
    echo "  FAILED to publish $proj:"; grep -E "warning|error" "$log" | sort -u | head -30
    status=1
  fi
  rm -f "$log"
}

# Plugins: the one-line executables src/Plugins/Programs/<executable>/<executable>.csproj (each runs
# the plugin library src/Plugins/<Name>), and samples that are plugins (AssemblyName = executable name).
for proj in src/Plugins/Programs/*/*.csproj samples/*/*.csproj; do
  [ -f "$proj" ] || continue
  grep -q '<PublishAot>true</PublishAot>\|src/Plugins/Programs' <<<"$proj $(cat "$proj")" || continue
  out=artifacts/publish-tmp/$(basename "$proj" .csproj)
  publish "$proj" "$out"
  for f in "$out"/*; do
    [ -x "$f" ] && [ -f "$f" ] && [[ "$f" != *.dbg && "$f" != *.so ]] && cp "$f" "$bin/"
  done
done

# Other NativeAOT programs (smoke tests).
for proj in tests/*.AotSmoke/*.csproj; do
  [ -f "$proj" ] || continue
  publish "$proj" "artifacts/aot/$(basename "$proj" .csproj)"
done
exit $status
