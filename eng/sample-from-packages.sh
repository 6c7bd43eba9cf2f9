#!/usr/bin/env bash
# Packs the libraries into the local feed artifacts/packages (eng/pack.sh) and publishes the sample plugin
# against those packages (not the projects), as a third-party author would build it; then builds and runs the
# sample's tests (samples/StaticRoutes.Tests) against the same packages, the Cni.Testing kit included: the
# plugin in-process and the binary just published, in real network namespaces (as root).
# Output: artifacts/from-packages/static-routes, and the tests' output in artifacts/from-packages/tests.log
# (eng/test.sh adds their counts to its summary line).
# Exit status: 0 all passed; 1 packing, publishing or building failed; 2 the tests ran and some failed.
set -euo pipefail
cd "$(dirname "$0")/.."
log=artifacts/from-packages/tests.log
rm -f "$log"
eng/pack.sh
version=$(cat artifacts/packages/version.txt)
build=(-c Release -p:CniPackageVersion="$version" -p:ArtifactsPath="$PWD/artifacts/from-packages-build")
dotnet publish samples/StaticRoutes "${build[@]}" -o artifacts/from-packages -warnaserror -v:q -clp:NoSummary >/dev/null
echo "  published samples/StaticRoutes against the packages -> artifacts/from-packages/static-routes"
dotnet build samples/StaticRoutes.Tests "${build[@]}" -warnaserror -v:q -clp:NoSummary >/dev/null
status=0
STATIC_ROUTES_PLUGIN="$PWD/artifacts/from-packages/static-routes" \
  dotnet test --project samples/StaticRoutes.Tests "${build[@]}" --no-build --no-progress >"$log" 2>&1 || status=2
echo "  samples/StaticRoutes.Tests against the packages: $(grep -E '^\s*(total|failed|succeeded|skipped):' "$log" | tr -s ' \n' ' ')"
if [ "$status" != 0 ]; then
  grep -E 'failed |error' "$log" | head -20 || true
fi
exit "$status"
