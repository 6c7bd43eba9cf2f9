#!/usr/bin/env bash
# Publishes the start-up floor (bench/startup-floor) to artifacts/startup-floor/startup-floor.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet publish bench/startup-floor/startup-floor.csproj -c Release -o artifacts/startup-floor -warnaserror -v:q -clp:NoSummary "$@"
ls -l artifacts/startup-floor/startup-floor
