#!/usr/bin/env bash
# Capacity benchmark: start a server on a fresh demo database, rehearse at
# several crowd sizes, measure a phone's first visit, stop the server.
#
#   bench/run_capacity.sh single  [SIZES...]   one `streamlit run` process (default sizes 100 300 1000)
#   bench/run_capacity.sh workers [SIZES...]   `python -m eventkit serve --workers $WORKERS` (nginx)
#
# Environment: PORT (default 8701), WORKERS (2), DURATION (120 s; joins within
# the first 60 s), OUT (bench/out). Results: $OUT/<mode>-<size>.{txt,json}.
# DB: the database (default: a fresh SQLite file), e.g. DB=postgresql://…/bench for
# PostgreSQL (an empty or throwaway database: the rehearsals add to it), and then
# DB_PID=<postmaster pid> (head -1 $PGDATA/postmaster.pid) to count PostgreSQL's CPU
# and memory with the server's. EXPECTED=N gives the demo event an expected attendance of
# N (its join limit is then 2N + 20 a minute instead of 2,000: set it for rooms of 2,000).
# The phones are HTTP phones on the HTML attendee pages, following by the event stream
# (NOSCRIPT=0.02: the share with JavaScript off, following by the page's refresh); results in
# $OUT/<mode>-html-<size>.* (the Streamlit attendee pages' runs, retired, were $OUT/<mode>-<size>.*).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-single}
shift || true
SIZES=${*:-100 300 1000}
PORT=${PORT:-8701}
WORKERS=${WORKERS:-2}
DURATION=${DURATION:-120}
OUT=${OUT:-bench/out}
NOSCRIPT=${NOSCRIPT:-0.02}
LABEL="$MODE-html"
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"  # each phone holds two connections: 5,000 phones need over 10,000 open files
WORK=$(mktemp -d)
DB=${DB:-$WORK/eventkit.db}
DB_PID=${DB_PID:-}
DATABASE_PID=()
[ -n "$DB_PID" ] && DATABASE_PID=(--database-pid "$DB_PID")
python -m eventkit --db "$DB" init >/dev/null
if [ -n "${EXPECTED:-}" ]; then
    python - "$DB" "$EXPECTED" <<'PY'
import dataclasses, sys
from eventkit.storage import Store
store = Store(sys.argv[1])
event = store.event_by_code("FIFE16")
spec = store.export_spec(event.id)
settings = dataclasses.replace(spec.settings, expected_attendance=int(sys.argv[2]))
store.update_event(event.id, dataclasses.replace(spec, settings=settings))
PY
fi

if [ "$MODE" = single ]; then
    EVENTKIT_DB="$DB" python -m streamlit run app.py --server.port "$PORT" --server.address 127.0.0.1 \
        --server.headless true --server.fileWatcherType none >"$WORK/server.log" 2>&1 &
else
    python -m eventkit --db "$DB" serve --workers "$WORKERS" --port "$PORT" --host 127.0.0.1 \
        >"$WORK/server.log" 2>&1 &
fi
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$PORT/_stcore/health" >/dev/null && break
    sleep 0.5
done
echo "server ($MODE) pid $SERVER on port $PORT; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

for N in $SIZES; do
    echo "=== $MODE, $N attendees; open files: $(ulimit -n) ==="
    python -m eventkit --db "$DB" rehearse --url "http://127.0.0.1:$PORT" --attendees "$N" --noscript-share "$NOSCRIPT" \
        --duration "$DURATION" --join-window 60 --server-pid "$SERVER" "${DATABASE_PID[@]}" \
        --json-out "$OUT/$LABEL-$N.json" | tee "$OUT/$LABEL-$N.txt" || true
    sleep 5
done

echo "=== first visit of a phone ($MODE) ==="
python bench/first_visit.py "http://127.0.0.1:$PORT/?event=FIFE16&table=1" | tee "$OUT/$LABEL-first-visit.txt"
