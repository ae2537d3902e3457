#!/usr/bin/env bash
# Server CPU per redraw of a phone's live fragment, and where that time goes.
#
#   bench/redraw_profile.sh [N]     (default N=1000 redraws per run, 3 runs)
#
# Each run starts one `streamlit run` on a fresh demo database with its first
# poll open (what phones redraw when a question opens), opens one phone on the
# Now screen and asks for N redraws of only its live fragment, one after another
# (bench/run_cost.py ... live), while py-spy samples the server (pip install
# py-spy). Prints the server CPU per redraw and the samples grouped by where they
# were (bench/profile_groups.py). Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
PORT=${PORT:-8711}
RUNS=${RUNS:-3}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
for RUN in $(seq "$RUNS"); do
    WORK=$(mktemp -d)
    python -m eventkit --db "$WORK/e.db" init >/dev/null
    python - "$WORK/e.db" <<'PY'
import sys
from eventkit.storage import Store
store = Store(sys.argv[1])
event = store.event_by_code("FIFE16")
poll = store.list_polls(event.id)[0]
store.set_live(event.id, "poll", poll.id)
store.set_poll_state(poll.id, "open")
PY
    EVENTKIT_PHONE_PAGES=streamlit EVENTKIT_DB="$WORK/e.db" python -m streamlit run app.py --server.port "$PORT" --server.address 127.0.0.1 \
        --server.headless true --server.fileWatcherType none >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/_stcore/health" >/dev/null && break; sleep 0.5; done
    python bench/run_cost.py "http://127.0.0.1:$PORT" "$SERVER" 20 live >/dev/null  # imports, first reads
    echo "run $RUN: load before $(cut -d' ' -f1-3 /proc/loadavg)"
    py-spy record --pid "$SERVER" --rate 250 --format raw --output "$OUT/redraw-$RUN.raw" --nonblocking \
        >/dev/null 2>&1 &
    SPY=$!
    sleep 1
    python bench/run_cost.py "http://127.0.0.1:$PORT" "$SERVER" "$N" live
    kill -INT $SPY; wait $SPY 2>/dev/null || true
    kill $SERVER; wait $SERVER 2>/dev/null || true
    python bench/profile_groups.py "$OUT/redraw-$RUN.raw"
    rm -rf "$WORK"
done
