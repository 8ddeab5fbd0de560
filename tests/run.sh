#!/usr/bin/env bash
# Runs every test of the solution in Release and ends with one line: "N passed, N failed, N skipped".
# Installs redis-server (Debian package) when it is missing. Usage: tests/run.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing Debian's redis-server package" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
fi
# The Debian package starts a system service on 6379; tests use their own ports, so it is left alone.

if [ -n "${VDR_TEST_KAFKA:-}" ]; then
  echo "Kafka for this run: external cluster at $VDR_TEST_KAFKA (VDR_TEST_KAFKA); exactly-once asserted with read_committed"
else
  echo "Kafka for this run: librdkafka's in-process mock cluster (set VDR_TEST_KAFKA=host:port to use a real broker)"
fi
echo "Redis for this run: $(redis-server --version | head -1)"

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Vdr.Cdc.sln -c Release -nologo -v q
set +e
dotnet test Vdr.Cdc.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
# Name each failed test (and the first lines of its message) right above the summary, so a CI log
# that keeps only its tail still says what failed.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") != "Passed" and r.get("outcome") != "NotExecuted":
        msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        text = " | ".join((msg.text or "").strip().splitlines()[:3]) if msg is not None else ""
        print(f"FAILED {r.get('testName')} ({r.get('duration')}): {text[:600]}")
PY
  else
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/FAILED /p'
  fi
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner itself failed (crash, build error): never report green
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
