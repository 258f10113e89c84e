#!/usr/bin/env bash
# Push throughput of the real server against pgbench running the same SQL statements.
#
# 1. Starts a throwaway PostgreSQL cluster with production durability (fsync and synchronous
#    commit on) and the release server on it.
# 2. Captures the statements of one survey pushed at one mutation per push (7 pushes; the
#    server runs no background checks meanwhile) from PostgreSQL's own query log, and turns
#    them into pgbench scripts (bench/pgbench_from_log.py).
# 3. Alternates, ROUNDS times: the load generator at 1 mutation per push, pgbench with the same
#    number of clients, the load generator at 20 mutations per push. Each run lasts SECONDS.
# 4. Restarts the server with `flags.run_checks = false` and repeats step 3: the pushes alone.
#    In step 3 the server's checker shares the database with whatever runs: it checks the
#    visits the load generator pushes, and also those pgbench's scripts queue (they write the
#    same `visit_check` rows), with a backlog carried from one run into the next.
#
# Usage: bench/push-vs-pgbench.sh [DEVICES] [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${1:-8}
SECONDS_PER_RUN=${2:-20}
ROUNDS=${3:-3}
PASSWORD=kata-sandi-bench

cargo build --release -q -p ekemiskinan-server -p tests --bins
BIN=target/release

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
WORK=$(mktemp -d /tmp/ekemiskinan-bench.XXXXXX)
chown postgres "$WORK" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
APP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
cat >>"$WORK/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 256MB
max_connections = 100
log_line_prefix = '%p|'
CONF
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w start >/dev/null
PSQL=("$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE DATABASE ekemiskinan"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/ekemiskinan"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__DATABASE__MAX_CONNECTIONS=16
export EKEMISKINAN__LOG__FILTER=warn
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null
start_server() { # RUN_CHECKS
    [ -n "${SERVER_PID:-}" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
    EKEMISKINAN__FLAGS__RUN_CHECKS=$1 "$BIN/ekemiskinan" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
}
# The capture is taken without the background checks, whose statements would interleave with
# the pushes' in the log.
start_server false
LOADGEN=("$BIN/loadgen" --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD")

# Capture one survey's pushes from the query log.
"${PSQL[@]}" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
START=$(wc -l <"$WORK/postgres.log")
"${LOADGEN[@]}" --devices 1 --batch 1 --mutations 7 --seconds 60 >/dev/null
sleep 0.5
"${PSQL[@]}" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
tail -n "+$((START + 1))" "$WORK/postgres.log" >"$WORK/capture.log"
python3 bench/pgbench_from_log.py "$WORK/capture.log" "$WORK/pgbench"
"${PSQL[@]}" -d ekemiskinan -f "$WORK/pgbench/prepare.sql"
# Keep the capture and the scripts made from it, to be read next to the figures.
mkdir -p bench/last-capture
cp "$WORK/pgbench/"*.sql "$WORK/capture.log" bench/last-capture/

start_server true

SCRIPTS=()
for i in 1 2 3 4 5 6 7; do SCRIPTS+=(-f "$WORK/pgbench/push$i.sql"); done
echo "machine: $(nproc) cores; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'); devices/clients=$DEVICES; $SECONDS_PER_RUN s per run"
for round in $(seq "$ROUNDS"); do
    echo "--- round $round"
    echo -n "loadgen batch=1:  "; "${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 1
    echo -n "pgbench:          "
    as_pg "$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared -c "$DEVICES" -j 2 \
        -T "$SECONDS_PER_RUN" "${SCRIPTS[@]}" ekemiskinan 2>&1 | grep -E '^tps|failed' | tr '\n' ' '; echo
    echo -n "loadgen batch=20: "; "${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 20
done

start_server false
echo "--- the server without the background checks of visits (flags.run_checks = false)"
for round in $(seq "$ROUNDS"); do
    echo "--- round $round"
    echo -n "loadgen batch=1:  "; "${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 1
    echo -n "pgbench:          "
    as_pg "$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared -c "$DEVICES" -j 2 \
        -T "$SECONDS_PER_RUN" "${SCRIPTS[@]}" ekemiskinan 2>&1 | grep -E '^tps|failed' | tr '\n' ' '; echo
    echo -n "loadgen batch=20: "; "${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 20
done
