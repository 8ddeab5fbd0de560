#!/usr/bin/env bash
# Peak memory of `vdr-cdc run` during the snapshot of one big list (N elements of ~107 bytes) into a mock Kafka
# (`vdr-cdc mock-kafka`, a separate process). Memory must not grow with the key: compare two sizes.
# Usage: tests/bench-bigkey-memory.sh [elements...]   (default: 3000000 12000000)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Vdr.Cdc.Host -c Release -nologo -v q >/dev/null
bin=src/Vdr.Cdc.Host/bin/Release/net10.0/vdr-cdc
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() {
  pkill -f "$bin run --redis redis://127.0.0.1:$port" 2>/dev/null || true
  [ -n "${mock:-}" ] && kill "$mock" 2>/dev/null || true
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
for n in "${@:-3000000 12000000}"; do
  for count in $n; do
    port=$((port + 1))
    redis-server --port "$port" --save "" --repl-diskless-sync-delay 0 --daemonize yes --dir "$work" --logfile "$work/redis.log"
    sleep 0.5
    redis-cli -p "$port" EVAL "local v=string.rep('x',100) for i=1,$count,1000 do local t={} for j=1,1000 do t[j]=v..(i+j) end redis.call('RPUSH','big',unpack(t)) end return 1" 0 >/dev/null
    mb=$(redis-cli -p "$port" MEMORY USAGE big SAMPLES 0 | awk '{printf "%.0f", $1/1e6}')
    rm -f "$work/mock.txt"
    "$bin" mock-kafka > "$work/mock.txt" 2>&1 & mock=$!
    until grep -q ':' "$work/mock.txt" 2>/dev/null; do sleep 0.1; done
    "$bin" run --redis "redis://127.0.0.1:$port" --kafka "$(head -1 "$work/mock.txt")" --name bigkey --topic-prefix bigkey \
      --set Vdr:Cdc:Management:Enabled=false --set Vdr:Cdc:Kafka:TopicCreation=BrokerAutoCreate > "$work/run.txt" 2>&1 & run=$!
    peak=0; start=$(date +%s%N)
    while kill -0 "$run" 2>/dev/null && ! grep -q "Snapshot epoch 1 finished" "$work/run.txt"; do
      rss=$(awk '/VmRSS/ {print $2}' "/proc/$run/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && peak=$rss
      sleep 0.2
    done
    ms=$((($(date +%s%N) - start) / 1000000))
    grep -q "Snapshot epoch 1 finished" "$work/run.txt" || { echo "the connector stopped:"; cat "$work/run.txt" "$work/mock.txt"; exit 1; }
    echo "list of $count elements ($mb MB in Redis): snapshot in $((ms / 1000)).$(printf %03d $((ms % 1000))) s, peak RSS of vdr-cdc run $((peak / 1024)) MB"
    kill -TERM "$run"; wait "$run" || true
    kill "$mock"; wait "$mock" 2>/dev/null || true; mock=""
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    sleep 0.5
  done
done
