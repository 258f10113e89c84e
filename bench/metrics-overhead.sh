#!/usr/bin/env bash
# What the metrics cost a push: the load generator (tests/src/bin/loadgen.rs, simulated phones
# pushing surveys, one mutation per push) against the release server with metrics off (no
# `metrics.token`: requests are not timed) and on (a token set, and /metrics scraped every
# second as Prometheus would), off then on in each round, each run from a vacuumed database
# (the tables grow from run to run, which if anything favours "off"). Reports the
# load generator's mutations/s and latency, and the server's own CPU per mutation (from
# /proc/PID/stat), which the noise of a shared machine moves less than throughput.
#
# Usage: bench/metrics-overhead.sh [ROUNDS] [SECONDS] [DEVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-20}
DEVICES=${3:-8}
PASSWORD=kata-sandi-bench
TOKEN=token-pemantauan-bench-0123456789

LOG_PREFIX=bench/metrics-overhead
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-metrics.XXXXXX)
stop_server() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
stop_all() {
    [ -n "${SCRAPER_PID:-}" ] && kill "$SCRAPER_PID" 2>/dev/null || true
    stop_server
    cleanup
    rm -rf "$WORK"
}
trap stop_all EXIT

cargo build --release -q -p ekemiskinan-server -p tests --bin ekemiskinan --bin loadgen
BIN=target/release
PG_DURABLE=1 start_postgres
APP_PORT=$(free_port)
export DATABASE_URL="$TEST_DATABASE_URL"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__LOG__FILTER=warn
export EKEMISKINAN__FLAGS__RUN_CHECKS=false
export EKEMISKINAN__PHOTOS__WORKERS=0
export EKEMISKINAN__STORAGE__PATH="$WORK/objects"
export EKEMISKINAN__UPLOADS__PARTIAL_DIR="$WORK/uploads"
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null
psql_db() { psql "$TEST_DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"; }

cpu_ms() { # PID → user + system CPU time in ms
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
}
run() { # MODE (off|on)
    local mode=$1
    if [ "$mode" = on ]; then
        EKEMISKINAN__METRICS__TOKEN=$TOKEN "$BIN/ekemiskinan" serve >>"$WORK/server.log" 2>&1 &
    else
        "$BIN/ekemiskinan" serve >>"$WORK/server.log" 2>&1 &
    fi
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
    if [ "$mode" = on ]; then
        (while sleep 1; do
            curl -sf -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$APP_PORT/metrics" >"$WORK/scrape.txt" || true
        done) &
        SCRAPER_PID=$!
    fi
    local before out mutations
    before=$(cpu_ms "$SERVER_PID")
    out=$("$BIN/loadgen" --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
        --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 1)
    mutations=$(sed 's/.* mutations=\([0-9]*\) .*/\1/' <<<"$out")
    local used=$(($(cpu_ms "$SERVER_PID") - before))
    if [ -n "${SCRAPER_PID:-}" ]; then kill "$SCRAPER_PID" 2>/dev/null || true; wait "$SCRAPER_PID" 2>/dev/null || true; SCRAPER_PID=; fi
    stop_server
    echo "metrics $mode: $(grep -o 'mutations/s=[0-9.]* p50_ms=[0-9.]* p99_ms=[0-9.]*' <<<"$out") server_cpu_ms_per_mutation=$(awk -v u="$used" -v m="$mutations" 'BEGIN { printf "%.3f", u / m }')"
}

echo "metrics overhead: $DEVICES phones, ${SECONDS_PER_RUN} s per run, 1 mutation per push, PostgreSQL 15 (fsync on), release build, checks and photo workers off"
run on >/dev/null # warm-up, not counted: tables past near-empty
for round in $(seq "$ROUNDS"); do
    for mode in off on; do
        psql_db "VACUUM ANALYZE" >/dev/null
        psql_db "CHECKPOINT" >/dev/null
        echo -n "round $round: "
        run "$mode"
    done
done
echo "a scrape: $(wc -c <"$WORK/scrape.txt") bytes, $(grep -c '^ekemiskinan_' "$WORK/scrape.txt") samples"
