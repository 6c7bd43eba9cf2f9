#!/usr/bin/env bash
# Packs the libraries into the local feed artifacts/packages (eng/pack.sh) and publishes the sample plugin
# against those packages (not the projects), as a third-party author would build it.
# Output: artifacts/from-packages/static-routes
set -euo pipefail
cd "$(dirname "$0")/.."
eng/pack.sh
version=$(cat artifacts/packages/version.txt)
dotnet publish samples/StaticRoutes -c Release -p:CniPackageVersion="$version" \
  -p:ArtifactsPath="$PWD/artifacts/from-packages-build" -o artifacts/from-packages -warnaserror -v:q -clp:NoSummary >/dev/null
echo "  published samples/StaticRoutes against the packages -> artifacts/from-packages/static-routes"
