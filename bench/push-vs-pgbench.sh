#!/usr/bin/env bash
# Push throughput of the real server against pgbench running the same SQL statements.
#
# 1. Starts a throwaway PostgreSQL cluster with production durability (fsync and synchronous
#    commit on) and the release server on it.
# 2. Captures the statements of three surveys pushed at one mutation per push (21 pushes; the
#    server runs no background checks meanwhile) from PostgreSQL's own query log, and turns the
#    last survey's 7 pushes, made with warm caches, into two pgbench replays
#    (bench/pgbench_from_log.py): "literal" (values inlined, one push per transaction drawn at
#    random, on pre-created households) and "bound" (the 7 pushes in order on the survey's own
#    household, every value bound per execution as the server binds it).
# 3. After one load-generator run that is not counted (so that no counted run starts from
#    near-empty tables), alternates, ROUNDS times: the load generator at 1 mutation per push,
#    pgbench with the same number of clients on each replay, the load generator at 20
#    mutations per push. Each run lasts SECONDS and starts from a vacuumed, analysed and
#    checkpointed database.
# 4. Restarts the server with `flags.run_checks = false` and repeats step 3: the pushes alone.
#    In step 3 the server's checker shares the database with whatever runs: it checks the
#    visits the load generator pushes, and also those pgbench's scripts queue (they write the
#    same `visit_check` rows), with a backlog carried from one run into the next.
#
# Usage: [POOL=N] [CHECKS=off] [PG_STATS=1] bench/push-vs-pgbench.sh [DEVICES] [SECONDS] [ROUNDS]
# POOL: the server's most database connections (default DEVICES, as many as pgbench's, and
# one more for the checker when it runs).
# CHECKS: the phases to run, "on off" by default (step 3 is "on", step 4 "off").
# PG_OPTIONS: more PostgreSQL server options (`-c name=value …`), for experiments.
# PG_STATS=1: loads pg_stat_statements (planning tracked) and prints, after each run, the
# statements PostgreSQL spent most time on, per mutation or replayed push.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${1:-8}
SECONDS_PER_RUN=${2:-20}
ROUNDS=${3:-3}
PASSWORD=kata-sandi-bench
read -r -a PHASES <<<"${CHECKS-on off}"
[ "${#PHASES[@]}" -gt 0 ] || { echo "CHECKS lists phases, each on or off: none given" >&2; exit 2; }
for checks in "${PHASES[@]}"; do
    case $checks in
        on | off) ;;
        *) echo "CHECKS lists phases, each on or off; not: $checks" >&2; exit 2 ;;
    esac
done

cargo build --release -q -p ekemiskinan-server -p tests --bins
BIN=target/release

LOG_PREFIX=bench/push
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-bench.XXXXXX)
chmod a+rx "$WORK" # pgbench reads its scripts as the `postgres` user
stop_all() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
    cleanup
    rm -rf "$WORK"
}
trap stop_all EXIT
[ "${PG_STATS:-0}" = 1 ] && PG_OPTIONS="${PG_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements \
    -c pg_stat_statements.track_planning=on -c pg_stat_statements.max=2000"
PG_DURABLE=1 start_postgres
PGBIN=$(find_pg_bin)
PORT=${TEST_DATABASE_URL##*:}
PORT=${PORT%%/*}
APP_PORT=$(free_port)
PSQL=("$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE DATABASE ekemiskinan"
[ "${PG_STATS:-0}" = 1 ] && "${PSQL[@]}" -d ekemiskinan -c "CREATE EXTENSION pg_stat_statements"
# Each log line starts with the backend's pid (bench/pgbench_from_log.py strips it; the
# capture is made by one phone, so its statements come one connection at a time).
"${PSQL[@]}" -c "ALTER SYSTEM SET log_line_prefix = '%p|'" -c "SELECT pg_reload_conf()" >/dev/null
# Every autovacuum and autoanalyze is logged with the CPU it used (of_which_autovacuum below).
"${PSQL[@]}" -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/ekemiskinan"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__LOG__FILTER=warn
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null
start_server() { # RUN_CHECKS
    if [ -n "${SERVER_PID:-}" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    # As many connections for the pushes as pgbench has clients, and one for the checker.
    local pool=${POOL:-$DEVICES}
    if [ -z "${POOL:-}" ] && [ "$1" = true ]; then pool=$((DEVICES + 1)); fi
    EKEMISKINAN__DATABASE__MAX_CONNECTIONS=$pool EKEMISKINAN__FLAGS__RUN_CHECKS=$1 \
        "$BIN/ekemiskinan" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
}
# The capture is taken without the background checks, whose statements would interleave with
# the pushes' in the log.
start_server false
LOADGEN=("$BIN/loadgen" --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD")

# Capture three surveys' pushes from the query log.
"${PSQL[@]}" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
START=$(wc -l <"$PG_TMP/postgres.log")
"${LOADGEN[@]}" --devices 1 --batch 1 --mutations 21 --seconds 60 >/dev/null
sleep 0.5
"${PSQL[@]}" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
tail -n "+$((START + 1))" "$PG_TMP/postgres.log" >"$WORK/capture.log"
python3 bench/pgbench_from_log.py "$WORK/capture.log" "$WORK/pgbench"
"${PSQL[@]}" -d ekemiskinan -f "$WORK/pgbench/prepare.sql"
# Keep the capture and the scripts made from it, to be read next to the figures.
mkdir -p bench/last-capture
cp "$WORK/pgbench/"*.sql "$WORK/pgbench/vars.txt" "$WORK/capture.log" bench/last-capture/

SCRIPTS=()
for i in 1 2 3 4 5 6 7; do SCRIPTS+=(-f "$WORK/pgbench/push$i.sql"); done
BOUND=()
while IFS= read -r var; do BOUND+=(-D "$var"); done <"$WORK/pgbench/vars.txt"
BOUND+=(-f "$WORK/pgbench/survey.sql")
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # busy ticks, all CPUs
pg_busy() { # user and system ticks of this cluster: the postmaster, its live children, and
    # (through the postmaster's children's times) those that exited, as pgbench's backends do.
    # A child reaped between the read of the postmaster's times and its own is counted
    # nowhere, so the postmaster is read first (a child's time can then only be missed, never
    # counted twice), and the highest of three reads 0.1 s apart is taken.
    local postmaster attempt ticks most=0
    postmaster=$(head -n 1 "$PG_TMP/data/postmaster.pid")
    for attempt in 1 2 3; do
        [ "$attempt" = 1 ] || sleep 0.1
        # (a process may exit between the glob and its read: cat then fails, which is no error)
        ticks=$({ cat "/proc/$postmaster/stat"; cat /proc/[0-9]*/stat 2>/dev/null || true; } |
            awk -v pm="$postmaster" \
                'NR == 1 {s = $14 + $15 + $16 + $17; next} $4 == pm {s += $14 + $15} END {print s + 0}')
        if [ "$ticks" -gt "$most" ]; then most=$ticks; fi
    done
    echo "$most"
}
pg_background_busy() { # user and system ticks of the cluster's long-lived helpers (WAL
    # writer, checkpointer, background writer, launchers): the rest of pg_busy is backends
    # and autovacuum workers
    local postmaster pid
    postmaster=$(head -n 1 "$PG_TMP/data/postmaster.pid")
    for pid in $(pgrep -P "$postmaster" -f 'postgres: (walwriter|checkpointer|background writer|autovacuum launcher|logical replication launcher)'); do
        awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true
    done | awk '{s += $1} END {print s + 0}'
}
log_lines() { wc -l <"$PG_TMP/postgres.log"; }
autovacuum_busy_since() { # LOG_LINES → ticks of the autovacuum and autoanalyze runs logged
    # since that line: a lower bound (PostgreSQL logs each run's CPU cut to 10 ms, and a run
    # still going is not logged yet)
    tail -n "+$(($1 + 1))" "$PG_TMP/postgres.log" | awk -v hz="$(getconf CLK_TCK)" '
        /system usage: CPU: user: / {
            match($0, /user: [0-9.]+ s, system: [0-9.]+ s/)
            split(substr($0, RSTART, RLENGTH), f, " ")
            s += f[2] + f[5]
        }
        END {printf "%d", s * hz + 0.5}'
}
server_busy() { # user and system ticks of the server process
    awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"
}
per() { # LABEL TICKS_NOW TICKS_BEFORE COUNT → LABEL=ms of CPU per one
    awk -v d=$(($2 - $3)) -v n="$4" -v label="$1" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "%s=%.3f", label, d * 1000 / hz / n}'
}
settle() { # every run starts from a vacuumed, analysed and checkpointed database, as pgbench
    # does for its own tables: no run pays for the dead rows or dirty pages of the one before
    "${PSQL[@]}" -d ekemiskinan -c "VACUUM ANALYZE" -c "CHECKPOINT"
}
stats_reset() {
    [ "${PG_STATS:-0}" = 1 ] || return 0
    "${PSQL[@]}" -d ekemiskinan -c "SELECT pg_stat_statements_reset()" >/dev/null
}
stats_print() { # COUNT → the statements of this run by PostgreSQL's time, per COUNT
    [ "${PG_STATS:-0}" = 1 ] && [ "$1" -gt 0 ] || return 0
    "${PSQL[@]}" -d ekemiskinan -P pager=off -P footer=off -v n="$1" <<'SQL'
SELECT round(sum(total_exec_time + total_plan_time)::numeric * 1000 / :n) AS "total µs/one",
       round(sum(calls)::numeric / :n, 2) AS "calls/one",
       round(sum(shared_blks_hit + shared_blks_read)::numeric / :n) AS "blocks/one",
       round(sum(wal_bytes) / :n) AS "WAL bytes/one"
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'ekemiskinan');
SELECT round((total_exec_time + total_plan_time)::numeric * 1000 / :n) AS "µs/one",
       round(calls::numeric / :n, 2) AS "calls/one",
       round(total_exec_time::numeric * 1000 / greatest(calls, 1)) AS "exec µs/call",
       round(total_plan_time::numeric * 1000 / greatest(calls, 1)) AS "plan µs/call",
       plans, round((shared_blks_hit + shared_blks_read)::numeric / greatest(calls, 1)) AS "blocks/call",
       left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'ekemiskinan')
ORDER BY total_exec_time + total_plan_time DESC LIMIT 14;
SQL
}
loadgen_run() { # BATCH → the load generator's figures (it measures the machine's CPU and its
    # own itself), and the CPU of PostgreSQL and of the server per mutation
    local pg_before background_before server_before lines_before out
    settle
    stats_reset
    lines_before=$(log_lines)
    pg_before=$(pg_busy)
    background_before=$(pg_background_busy)
    server_before=$(server_busy)
    out=$("${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch "$1")
    echo -n "$out "
    local mutations
    mutations=$(sed 's/.* mutations=\([0-9]*\) .*/\1/' <<<"$out")
    per postgres_cpu_ms_per_mutation "$(pg_busy)" "$pg_before" "$mutations"; echo -n " "
    per of_which_helpers "$(pg_background_busy)" "$background_before" "$mutations"; echo -n " "
    per of_which_autovacuum "$(autovacuum_busy_since "$lines_before")" 0 "$mutations"; echo -n " "
    per server_cpu_ms_per_mutation "$(server_busy)" "$server_before" "$mutations"
    echo
    stats_print "$mutations"
}
pgbench_run() { # PUSHES_PER_SCRIPT ARGS… → tps in database transactions and the CPU per one
    local pushes=$1 before pg_before background_before lines_before out rc
    shift
    settle
    stats_reset
    lines_before=$(log_lines)
    before=$(busy)
    pg_before=$(pg_busy)
    background_before=$(pg_background_busy)
    out=$(as_pg "$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared --max-tries=10 -c "$DEVICES" -j 2 \
        -T "$SECONDS_PER_RUN" "$@" ekemiskinan 2>&1) && rc=0 || rc=$?
    # A client stopped by an error is not counted as failed: the exit status tells.
    if [ "$rc" != 0 ] || ! grep -q '^number of failed transactions: 0 ' <<<"$out"; then
        echo "pgbench failed:" >&2; echo "$out" >&2; exit 1
    fi
    local tps count
    tps=$(awk '/^tps/ {print $3}' <<<"$out")
    count=$(awk '/^number of transactions actually processed/ {print $NF}' <<<"$out")
    awk -v t="$tps" -v p="$pushes" 'BEGIN {printf "tps=%.1f ", t * p}'
    per machine_cpu_ms_per_tx "$(busy)" "$before" $((count * pushes)); echo -n " "
    per postgres_cpu_ms_per_tx "$(pg_busy)" "$pg_before" $((count * pushes)); echo -n " "
    per of_which_helpers "$(pg_background_busy)" "$background_before" $((count * pushes)); echo -n " "
    per of_which_autovacuum "$(autovacuum_busy_since "$lines_before")" 0 $((count * pushes)); echo
    stats_print $((count * pushes))
}
rounds() { # ROUNDS times: both push sizes and both replays, back to back
    for round in $(seq "$ROUNDS"); do
        echo "--- round $round"
        echo -n "loadgen batch=1:  "; loadgen_run 1
        echo -n "pgbench literal:  "; pgbench_run 1 "${SCRIPTS[@]}"
        echo -n "pgbench bound:    "; pgbench_run 7 "${BOUND[@]}"
        echo -n "loadgen batch=20: "; loadgen_run 20
    done
}
echo "machine: $(nproc) cores; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'); devices/clients=$DEVICES; $SECONDS_PER_RUN s per run"
for checks in "${PHASES[@]}"; do
    if [ "$checks" = on ]; then
        start_server true
        echo "--- the server with the background checks of visits"
    else
        start_server false
        echo "--- the server without the background checks of visits (flags.run_checks = false)"
    fi
    # A run that is not counted first: statistics taken on the near-empty tables of the
    # capture make PostgreSQL plan sequential scans (of `family` by its id, for one), which
    # the server's prepared statements keep while the tables grow during the first run.
    settle
    "${LOADGEN[@]}" --devices "$DEVICES" --seconds "$SECONDS_PER_RUN" --batch 1 >/dev/null
    rounds
done
