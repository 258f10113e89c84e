#!/usr/bin/env bash
# The review queue and bulk approval over many households of one kabupaten, on PostgreSQL.
#
# bench/review.sh [HOUSEHOLDS] [ROUNDS]   (default: 100000 200)
#
# Starts a throwaway PostgreSQL (fsync on) and the release server, fills it with synthetic
# households waiting for review (bench/seed_households.sql: risk 0–100, waiting 0–29 days,
# spread over the six desa of the demo region), then, as the demo supervisor (scope: the
# whole kabupaten), over one kept-alive HTTP connection (bench/review_timing.py):
# - the first queue page (50 households) ROUNDS times, by risk and by age, and filtered to a
#   kecamatan and to overdue households: median, p90, p99;
# - bulk approvals of 500 households taken from the queue, three times.
# Reference in the same run: psql running the queue's two statements (page and counts) with
# \timing, ROUNDS times, median — what the database alone spends.
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${1:-100000}
ROUNDS=${2:-200}
PASSWORD=kata-sandi-bench

LOG_PREFIX=bench/review
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-reviewbench.XXXXXX)
stop_all() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
    cleanup
    rm -rf "$WORK"
}
trap stop_all EXIT

cargo build --release -q -p ekemiskinan-server --bin ekemiskinan
BIN=target/release
PG_DURABLE=1 start_postgres
PSQL_BIN=$(find_pg_bin)/psql
APP_PORT=$(free_port)
export DATABASE_URL="$TEST_DATABASE_URL"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__LOG__FILTER=warn
export EKEMISKINAN__STORAGE__PATH="$WORK/objects"
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null
"$BIN/ekemiskinan" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done

FIELDS=$(python3 - <<'PY'
import json
form = json.load(open("fixtures/forms/survei-rt.v1.json"))
out = {}
for f in form["household_fields"]:
    t = f["type"]
    if f.get("choices"):
        out[f["name"]] = f["choices"][0]["code"]
    elif t in ("integer", "number", "decimal"):
        out[f["name"]] = 3
    elif t == "boolean":
        out[f["name"]] = True
    elif t == "date":
        out[f["name"]] = "2026-11-20"
    else:
        out[f["name"]] = "Jalan Poros Masamba No. 12"
print(json.dumps(out))
PY
)
"$PSQL_BIN" -q "$DATABASE_URL" -v ON_ERROR_STOP=1 -v first=1 -v last="$HOUSEHOLDS" \
    -v fields="$FIELDS" -f bench/seed_households.sql
echo "machine: $(nproc) cores; PostgreSQL $("$PSQL_BIN" --version | awk '{print $3}') (fsync on), release build; $HOUSEHOLDS households waiting"

# The database alone: the queue's page and counts statements as the server sends them for the
# first page by risk (scope 73.22), timed by psql.
{
    echo '\timing on'
    for _ in $(seq "$ROUNDS"); do
        echo "SELECT h.id, h.version, h.review_status, h.area_code, h.risk, h.review_since, (h.fields ->> 'nama_kepala_rumah_tangga') AS head_name FROM household h WHERE h.review_status IN ('pending', 'resubmitted') AND h.tombstone IS NULL AND (h.area_code LIKE '73.22.%') ORDER BY h.risk DESC, h.review_since, h.id LIMIT 51;"
        W="h.review_status IN ('pending', 'resubmitted') AND h.tombstone IS NULL AND (h.area_code LIKE '73.22.%')"
        echo "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM household h WHERE $W AND h.review_status = 'pending' LIMIT 10000) AS c), (SELECT COUNT(*) FROM (SELECT 1 FROM household h WHERE $W AND h.review_status = 'resubmitted' LIMIT 10000) AS c), (SELECT COUNT(*) FROM (SELECT 1 FROM household h WHERE $W AND h.review_since < now() - interval '14 days' LIMIT 10000) AS c);"
    done
} | "$PSQL_BIN" -q "$DATABASE_URL" -o /dev/null | awk '/^Time:/ { print $2 }' >"$WORK/psql.txt"
python3 - "$WORK/psql.txt" <<'PY'
import statistics, sys
t = [float(x) for x in open(sys.argv[1])]
page, counts = t[0::2], t[1::2]
print(f"psql, the page statement: median {statistics.median(page):.2f} ms; the counts statement: median {statistics.median(counts):.2f} ms ({len(page)} each)")
PY
python3 bench/review_timing.py "http://127.0.0.1:$APP_PORT" demo-supervisor "$PASSWORD" "$ROUNDS"
