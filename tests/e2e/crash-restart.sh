#!/usr/bin/env bash
# The crash-and-restart digest test (issue 6), as a command anyone can run:
#   tests/e2e/crash-restart.sh [--seed N] [--duration SECONDS] [--kills N] [--keep] [other harness flags]
# Builds Release, then runs the harness (tests/Vdr.E2E) with the vdr-cdc it just built: a source and a target
# redis-server, Kafka (a `vdr-cdc mock-kafka` process, or the broker named by VDR_TEST_KAFKA=host:port), an initial
# dataset with big keys, a non-idempotent write workload while `vdr-cdc run` is SIGKILLed and restarted (>= --kills
# times; the source is restarted once for a full resync), catch-up, `vdr-cdc apply` into the target (killed once),
# then DEBUG DIGEST of source and target must be equal (and every key's value and expiry).
# Prints both digests, the kills, apply's summary; exits 0 when identical, 1 on a mismatch, 2 usage, 3 harness error.
# Defaults: fixed seed, 30 s workload, 6 kills. More flags: --rate N, --big N, --big-string BYTES, --apply-idle S,
# --skip-apply (connector side only), --work-root DIR. The work directory (all logs) is kept on failure or --keep.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: install it (Debian: apt-get install redis-server), or run tests/run.sh once" >&2
  exit 3
fi

dotnet build tests/Vdr.E2E/Vdr.E2E.csproj -c Release -nologo -v q
exec dotnet tests/Vdr.E2E/bin/Release/net10.0/Vdr.E2E.dll \
  --vdr-cdc src/Vdr.Cdc.Host/bin/Release/net10.0/vdr-cdc "$@"
