#!/usr/bin/env bash
# The staff screens' round trips with Nagle's algorithm on the server's listening socket
# ("before": EVENTKIT_BENCH_NAGLE=1) and with TCP_NODELAY ("after", as the app runs).
#
#   bench/nodelay.sh [N]     (default N=50 round trips of each kind per run; RUNS=3 runs of each)
#
# Each run starts one `streamlit run app.py` on a fresh demo database, the "before"
# and "after" servers alternating, and runs bench/staff_round_trips.py against it:
# the projector's live fragment redraw and a control panel action (Show/Hide results),
# timed from the websocket message sent until the screen's run finished. Only the
# server's listening socket differs (eventkit/web/nodelay.py); the client is the same.
# Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
PORT=${PORT:-8721}
RUNS=${RUNS:-3}
for RUN in $(seq "$RUNS"); do
    for WHEN in before after; do
        WORK=$(mktemp -d)
        python -m eventkit --db "$WORK/e.db" init >/dev/null
        NAGLE=0
        [ "$WHEN" = before ] && NAGLE=1
        EVENTKIT_BENCH_NAGLE=$NAGLE EVENTKIT_DB="$WORK/e.db" python -m streamlit run app.py --server.port "$PORT" \
            --server.address 127.0.0.1 --server.headless true --server.fileWatcherType none >"$WORK/server.log" 2>&1 &
        SERVER=$!
        for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/_stcore/health" >/dev/null && break; sleep 0.5; done
        echo "run $RUN, $WHEN TCP_NODELAY ($(grep -c "Nagle's algorithm left on" "$WORK/server.log" || true) warning of Nagle left on): load $(cut -d' ' -f1-3 /proc/loadavg)"
        python bench/staff_round_trips.py "http://127.0.0.1:$PORT" "$WORK/e.db" "$N"
        kill $SERVER; wait $SERVER 2>/dev/null || true
        rm -rf "$WORK"
    done
done
