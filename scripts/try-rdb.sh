#!/usr/bin/env bash
# Try `vdr-cdc rdb` on a fresh machine: starts a throwaway redis-server on a free port, writes sample keys of every
# type (strings, int and binary strings, a TTL, list, set, intset, sorted set, hash, stream with a consumer group,
# a key in db 1, a function library), SAVEs, decodes the dump with `vdr-cdc rdb`, then stops the server and removes
# its folder. Needs redis-server and redis-cli (Debian: apt-get install redis-server) and the .NET SDK.
# Usage: scripts/try-rdb.sh [--stats]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in redis-server redis-cli dotnet; do
  command -v "$tool" >/dev/null || { echo "try-rdb: '$tool' not found; install it (redis: apt-get install redis-server)" >&2; exit 1; }
done

dir="$(mktemp -d "${TMPDIR:-/tmp}/vdr-try-rdb.XXXXXX")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 6399)"
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

cli() { redis-cli -p "$port" "$@" >/dev/null; }
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

cli set greeting "hello, world"
cli set counter 42
cli set session:1 token PX 3600000
printf 'bin\xff\x00ary' | redis-cli -p "$port" -x set binary >/dev/null
cli rpush queue job-1 job-2 job-3
cli sadd tags redis kafka cdc
cli sadd small-ints 1 2 3 100000
cli zadd leaderboard 10 alice 7.5 bob inf champion
cli hset user:1 name Ada lang en
cli xadd events 1-1 type signup user 1
cli xadd events 2-1 type login user 1
cli xgroup create events audit 0
cli xreadgroup group audit worker-1 count 1 streams events '>'
cli -n 1 set other-db "db 1"
cli function load "#!lua name=demo
redis.register_function('hello', function() return 'hi' end)"
cli save

dotnet run --project "$root/src/Vdr.Cdc.Host" -c Release -- rdb "$dir/dump.rdb" "$@"
