#!/usr/bin/env bash
# Household list exports and map viewports over many households: time and the server's peak
# memory.
#
# bench/exports.sh [SIZES…]   (default: 10000 100000)
#
# Starts a throwaway PostgreSQL and the release server, fills it with synthetic households
# (bench/seed_households.sql: every household field of the form, a family, four members,
# a score, a visit check) up to each size in turn, and downloads the CSV and XLSX exports of
# the whole regency as the demo supervisor, masked. For each: wall time, bytes, rows, and the
# server's peak RSS during the export (VmHWM, reset before each export) next to its RSS
# before it. Reference in the same run: PostgreSQL alone writing the same columns with
# `\copy (SELECT … joins …) TO file CSV`.
#
# Map: GET /v1/map/households for the whole demo region (clustered) and for a small viewport
# in desa Pattimang (points), five times each, median; reference: psql running the same
# clustering query.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-10000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
PASSWORD=kata-sandi-bench

LOG_PREFIX=bench/exports
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-exportbench.XXXXXX)
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
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$APP_PORT/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"demo-supervisor\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Every household field of the form, with a plausible value.
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

kib() { awk "/$1/ {print \$2}" "/proc/$SERVER_PID/status"; }
echo "machine: $(nproc) cores; PostgreSQL $("$PSQL_BIN" --version | awk '{print $3}') (fsync on), release build"
seeded=0
for size in "${SIZES[@]}"; do
    "$PSQL_BIN" -q "$DATABASE_URL" -v ON_ERROR_STOP=1 -v first=$((seeded + 1)) -v last="$size" \
        -v fields="$FIELDS" -f bench/seed_households.sql
    seeded=$size
    for format in csv xlsx; do
        before=$(kib VmRSS)
        echo 5 >"/proc/$SERVER_PID/clear_refs"
        start=$(date +%s%N)
        curl -sf -o "$WORK/export.$format" -H "authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$APP_PORT/v1/exports/households?area=73.22&format=$format"
        end=$(date +%s%N)
        peak=$(kib VmHWM)
        rows=""
        [ "$format" = csv ] && rows="$(($(wc -l <"$WORK/export.csv") - 1)) rows, "
        echo "$size households, $format: $(( (end - start) / 1000000 )) ms, ${rows}$(stat -c %s "$WORK/export.$format") bytes; server RSS before $((before / 1024)) MiB, peak during $((peak / 1024)) MiB"
    done
    start=$(date +%s%N)
    "$PSQL_BIN" -q "$DATABASE_URL" -c "\\copy (SELECT h.id, h.area_code, h.fields->>'nama_kepala_rumah_tangga', m.nik, f.no_kk, h.fields->>'jumlah_anggota', h.review_status, s.met, s.verdict, c.risk, h.updated_at FROM household h LEFT JOIN household_score s ON s.household_id = h.id LEFT JOIN family f ON f.household_id = h.id LEFT JOIN member m ON m.household_id = h.id AND m.fields->>'hubungan_kepala' = '1' LEFT JOIN visit_check c ON c.household_id = h.id WHERE h.tombstone IS NULL AND h.area_code LIKE '73.22.%' ORDER BY h.id) TO '$WORK/copy.csv' CSV HEADER"
    end=$(date +%s%N)
    echo "$size households, psql \\copy of the same columns: $(( (end - start) / 1000000 )) ms, $(( $(wc -l <"$WORK/copy.csv") - 1 )) rows, $(stat -c %s "$WORK/copy.csv") bytes"
    map_ms() { # query → median ms of five GETs
        local times=() start end
        for _ in 1 2 3 4 5; do
            start=$(date +%s%N)
            curl -sf -o "$WORK/map.json" -H "authorization: Bearer $TOKEN" \
                "http://127.0.0.1:$APP_PORT/v1/map/households?$1"
            end=$(date +%s%N)
            times+=($(( (end - start) / 1000000 )))
        done
        printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
    }
    whole=$(map_ms "area=73.22&bbox=120.3,-2.9,120.6,-2.5")
    whole_features=$(python3 -c 'import json; d=json.load(open("'"$WORK"'/map.json")); print(len(d["features"]), d["households"], d["clustered"])')
    small=$(map_ms "area=73.22&bbox=120.38,-2.80,120.39,-2.79")
    small_features=$(python3 -c 'import json; d=json.load(open("'"$WORK"'/map.json")); print(len(d["features"]), d["households"], d["clustered"])')
    start=$(date +%s%N)
    for _ in 1 2 3 4 5; do
        "$PSQL_BIN" -q "$DATABASE_URL" -o /dev/null -c "SELECT COUNT(*), SUM(CASE WHEN s.verdict = 'poor' THEN 1 ELSE 0 END), AVG(p.latitude), AVG(p.longitude) FROM household_position p JOIN household h ON h.id = p.household_id LEFT JOIN household_score s ON s.household_id = h.id WHERE h.tombstone IS NULL AND h.area_code LIKE '73.22.%' AND p.longitude BETWEEN 120.3 AND 120.6 AND p.latitude BETWEEN -2.9 AND -2.5 GROUP BY CAST(FLOOR((p.longitude - 120.3) / 0.00625) AS INTEGER), CAST(FLOOR((p.latitude + 2.9) / 0.00625) AS INTEGER)"
    done
    end=$(date +%s%N)
    echo "$size households, map of the whole region: ${whole} ms (features, households, clustered: $whole_features); psql running the same clustering: $(( (end - start) / 5000000 )) ms (mean of 5, incl. psql start)"
    echo "$size households, map of a 0.01° viewport: ${small} ms (features, households, clustered: $small_features)"
done
