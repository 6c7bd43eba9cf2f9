#!/usr/bin/env bash
# Builds the docs site into artifacts/docs: the API reference from the XML documentation of every
# library in src/Cni.*/ (a new library is picked up by being there), plus the pages in docs/.
# docfx runs with warnings as errors: a broken link, a missing page or an unresolved cross-reference
# (<xref:...>, <see cref>) fails the build.
#
#   eng/docs.sh              build the libraries (Release), then the site
#   eng/docs.sh --no-build   use the libraries the caller built (eng/test.sh builds the solution first)
#   eng/docs.sh --serve      build, then serve artifacts/docs on http://127.0.0.1:8080 (busybox httpd)
#
# The API pages are made from the built assemblies and their XML files (artifacts/bin/<P>/release),
# not from the project files: docfx's own project loading restores and compiles every project again,
# several times slower than reading what the build already made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build=1 serve=0
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --serve) serve=1 ;;
    *) echo "usage: eng/docs.sh [--no-build] [--serve]" >&2; exit 2 ;;
  esac
done
started=$(date +%s)

libraries=()
for project in src/Cni.*/Cni.*.csproj; do
  name=$(basename "$project" .csproj)
  [ "$name" = "$(basename "$(dirname "$project")")" ] && libraries+=("$name")
done
((${#libraries[@]})) || { echo "eng/docs.sh: no library under src/Cni.*/" >&2; exit 1; }

if ((build)); then
  for name in "${libraries[@]}"; do
    dotnet build "src/$name/$name.csproj" -c Release -warnaserror -v:q -clp:NoSummary
  done
fi

# Stage each library's assembly and XML file (the pages) and everything it compiles against
# (resolved, not documented): the other libraries' assemblies come from the build, the packages'
# reference assemblies from the "compile" assets NuGet recorded in project.assets.json.
stage=artifacts/obj/docs
rm -rf "$stage/lib" "$stage/refs" docs/api
mkdir -p "$stage/lib" "$stage/refs"
for name in "${libraries[@]}"; do
  out="artifacts/bin/$name/release"
  for f in "$out/$name.dll" "$out/$name.xml"; do
    [ -f "$f" ] || { echo "eng/docs.sh: $f is missing: build $name first (or run without --no-build)" >&2; exit 1; }
    cp "$f" "$stage/lib/"
  done
  assets="artifacts/obj/$name/project.assets.json"
  [ -f "$assets" ] || { echo "eng/docs.sh: $assets is missing: restore $name first" >&2; exit 1; }
  awk -v packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}" '
    /^  "targets": \{/ { t = 1; next }
    t && /^  [}]/ { exit }
    t && /^      "[^"]+\/[^"]+": \{/ { split($1, nv, "/"); id = tolower(substr(nv[1], 2)); ver = nv[2]; sub(/":?$/, "", ver); sub(/".*/, "", ver); pkg = 0; comp = 0; next }
    t && /^        "type": "package"/ { pkg = 1; next }
    t && pkg && /^        "compile": \{/ { comp = 1; next }
    t && comp && /^        [}]/ { comp = 0; next }
    t && comp && /^          "[^"]+\.dll"/ { f = $1; gsub(/[":]/, "", f); print packages "/" id "/" ver "/" f }
  ' "$assets" | while read -r ref; do cp "$ref" "$stage/refs/"; done
done
for name in "${libraries[@]}"; do cp "artifacts/bin/$name/release/$name.dll" "$stage/refs/"; done

dotnet tool restore >/dev/null
rm -rf artifacts/docs
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet tool run docfx docs/docfx.json --warningsAsErrors >"$log" 2>&1 || grep -qE '(^|[^0-9])[1-9][0-9]* warning\(s\)|: warning ' "$log"; then
  grep -E 'warning|error' "$log" >&2 || cat "$log" >&2
  echo "eng/docs.sh: docfx failed (warnings are errors)" >&2
  exit 1
fi
echo "eng/docs.sh: artifacts/docs built from ${libraries[*]} in $(( $(date +%s) - started )) s"

if ((serve)); then
  echo "serving artifacts/docs on http://127.0.0.1:8080 (Ctrl-C stops)"
  exec busybox httpd -f -p 127.0.0.1:8080 -h artifacts/docs
fi
