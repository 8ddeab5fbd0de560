#!/bin/bash
# apply throughput on a 100k-key snapshot: source redis (DEBUG POPULATE), mock Kafka, connector until the snapshot
# is committed, then vdr-cdc apply into an empty target until idle.
set -e
cd "$(dirname "$0")/.."
# Build first: dotnet build Vdr.Cdc.sln -c Release. Usage: tests/apply-bench.sh (KEYS=N to change the size)
VDR=${VDR:-$PWD/src/Vdr.Cdc.Host/bin/Release/net10.0/vdr-cdc}
KEYS=${KEYS:-100000}
W=$(mktemp -d)
SP=$((40000 + RANDOM % 10000)); TP=$((SP + 1))
redis-server --port $SP --save "" --appendonly no --dir $W --enable-debug-command yes --repl-diskless-sync-delay 0 --daemonize yes --logfile $W/s.log --pidfile $W/s.pid
redis-server --port $TP --save "" --appendonly no --dir $W --enable-debug-command yes --daemonize yes --logfile $W/t.log --pidfile $W/t.pid
sleep 0.5
redis-cli -p $SP DEBUG POPULATE $KEYS key 16 >/dev/null
$VDR mock-kafka > $W/kafka.out 2>/dev/null & KPID=$!
while [ ! -s $W/kafka.out ]; do sleep 0.1; done
K=$(head -1 $W/kafka.out)
echo '{"Vdr":{"Cdc":{"Kafka":{"TopicCreation":"BrokerAutoCreate"}}}}' > $W/c.json
$VDR run --redis redis://127.0.0.1:$SP --kafka $K --name bench --topic-prefix bench --config $W/c.json > $W/run.log 2>&1 & RPID=$!
until grep -q "finished" $W/run.log; do sleep 0.2; kill -0 $RPID || { tail -20 $W/run.log; exit 1; }; done
sleep 2; kill -TERM $RPID; wait $RPID || true
S=$(date +%s.%N)
$VDR apply --kafka $K --topic-prefix bench --redis redis://127.0.0.1:$TP --name bench --exit-when-idle 1 > $W/apply.out 2> $W/apply.err
E=$(date +%s.%N)
cat $W/apply.out
redis-cli -p $TP DEL vdr-cdc:apply:bench >/dev/null
echo "keys: source $(redis-cli -p $SP DBSIZE) target $(redis-cli -p $TP DBSIZE); digest source $(redis-cli -p $SP DEBUG DIGEST) target $(redis-cli -p $TP DEBUG DIGEST)"
python3 -c "import sys; t=float('$E')-float('$S')-1; print(f'apply wall time {t:.2f} s (minus the 1 s idle wait): {$KEYS/t:,.0f} keys/s')"
kill $KPID; redis-cli -p $SP SHUTDOWN NOSAVE >/dev/null 2>&1 || true; redis-cli -p $TP SHUTDOWN NOSAVE >/dev/null 2>&1 || true
rm -rf $W
