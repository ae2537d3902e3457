#!/usr/bin/env bash
# Two app "hosts" sharing one PostgreSQL database behind one load balancer,
# on this machine: two `python -m eventkit serve` instances on their own
# ports (each with its own nginx and workers, as on two machines), and one
# front nginx built from deploy/nginx-load-balancer.conf (cookie-sticky
# across hosts), then one rehearsal through the front.
#
#   DB=postgresql://…/bench [DB_PID=<postmaster pid>] bench/two_hosts.sh [SIZE]
#
# Environment: PORT (front, default 8801), WORKERS per host (1), DURATION
# (120 s), OUT (bench/out). Results: $OUT/two-hosts-<size>.{txt,json}.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DB:?set DB=postgresql://… (an empty or throwaway database: the rehearsal adds to it)}"
SIZE=${1:-300}
PORT=${PORT:-8801}
WORKERS=${WORKERS:-1}
DURATION=${DURATION:-120}
OUT=${OUT:-bench/out}
DB_PID=${DB_PID:-}
mkdir -p "$OUT"
WORK=$(mktemp -d)
HOST1=$((PORT + 1))
HOST2=$((PORT + 2))
python -m eventkit --db "$DB" init >/dev/null

# The load balancer: the deployed file with its upstream pointed at the two
# local hosts, inside a minimal nginx.conf that keeps everything in $WORK.
sed -e "s/^\(\s*\)server app1.internal:8501/\1server 127.0.0.1:$HOST1/" \
    -e "s/^\(\s*\)server app2.internal:8501/\1server 127.0.0.1:$HOST2/" \
    -e "/server app3.internal:8501/d" \
    -e "s/listen 80;/listen 127.0.0.1:$PORT;/" \
    deploy/nginx-load-balancer.conf >"$WORK/balancer.conf"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    include $WORK/balancer.conf;
}
CONF

# Everything runs under one shell, so the rehearsal's --server-pid counts
# both hosts (their nginx and workers) and the balancer as one server.
(
    python -m eventkit --db "$DB" serve --workers "$WORKERS" --port "$HOST1" --host 127.0.0.1 >"$WORK/host1.log" 2>&1 &
    python -m eventkit --db "$DB" serve --workers "$WORKERS" --port "$HOST2" --host 127.0.0.1 >"$WORK/host2.log" 2>&1 &
    nginx -p "$WORK" -c "$WORK/nginx.conf" -g "daemon off;" >"$WORK/balancer.log" 2>&1 &
    wait
) &
SERVER=$!
trap 'pkill -TERM -P $SERVER 2>/dev/null; kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for port in "$HOST1" "$HOST2" "$PORT"; do
    for _ in $(seq 120); do
        curl -sf "http://127.0.0.1:$port/_stcore/health" >/dev/null && break
        sleep 0.5
    done
done
echo "two hosts (:$HOST1, :$HOST2, $WORKERS worker(s) each) behind :$PORT, pid $SERVER;" \
     "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Halfway through, how many connections each host holds (both must serve phones).
( sleep $((DURATION / 2)); for port in "$HOST1" "$HOST2"; do
    echo "connections to host :$port at $((DURATION / 2)) s: $(ss -Htn state established "( dport = :$port )" | wc -l)"
  done ) | tee "$OUT/two-hosts-$SIZE-spread.txt" &
SPREAD=$!
DATABASE_PID=()
[ -n "$DB_PID" ] && DATABASE_PID=(--database-pid "$DB_PID")
python -m eventkit --db "$DB" rehearse --url "http://127.0.0.1:$PORT" --attendees "$SIZE" \
    --duration "$DURATION" --join-window 60 --server-pid "$SERVER" "${DATABASE_PID[@]}" \
    --json-out "$OUT/two-hosts-$SIZE.json" | tee "$OUT/two-hosts-$SIZE.txt" || true
wait "$SPREAD"
