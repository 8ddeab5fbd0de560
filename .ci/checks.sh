#!/usr/bin/env bash
# Static checks that need no server: the Release build, and that the vdr-cdc executable publishes
# (the same publish the Dockerfile runs).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Vdr.Cdc.sln -c Release -nologo -v q
dotnet run --project src/Vdr.Cdc.Host -c Release --no-build -- --help >/dev/null
