#!/usr/bin/env bash
# Photos under load: phones survey households for SECONDS, each visit naming a ~3.5 MB phone
# photo (bench/make_photos.py) that the phone uploads over tus in 256 KiB chunks after its
# push; then the run waits until every photo is analysed (thumbnails, EXIF, perceptual hash)
# and every visit checked. With 8 and 16 phones: photos and MB/s accepted while the phones
# send, photos/s fully processed, the catch-up after the phones stop, and the deadlocks
# PostgreSQL counted (pg_stat_database). Beside each pass, in the same run: as many clients
# putting the same bytes straight into Garage (MB/s). The photos of a pass are one picture
# made distinct, so every check finds look-alikes and queues other households' checks again:
# the work that deadlocked before checks were queued again in one lock order.
#
# Usage: bench/photo-load.sh [ROUNDS] [SECONDS]
#   SERVER=path/to/ekemiskinan runs another build of the server under the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-1}
SECONDS_EACH=${2:-30}
PASSWORD=kata-sandi-bench
PY=/usr/bin/python3

LOG_PREFIX=bench/photo-load
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-photoload.XXXXXX)
stop_server() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
stop_all() {
    stop_server
    cleanup
    rm -rf "$WORK"
}
trap stop_all EXIT

if ! "$PY" -c 'import PIL, numpy' 2>/dev/null; then
    log "installing python3-pil python3-numpy from Debian"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pil python3-numpy >/dev/null
fi
cargo build --release -q -p ekemiskinan-server -p tests --bin ekemiskinan --bin photobench
BIN=target/release
SERVER=${SERVER:-$BIN/ekemiskinan}
mkdir -p "$WORK/photos"
"$PY" bench/make_photos.py "$WORK/photos" 3
echo "machine: $(nproc) cores; photos: $(ls -l "$WORK"/photos/phone*.jpg | awk '{s+=$5} END {printf "%.2f MB average", s/NR/1e6}')"

PG_DURABLE=1 start_postgres
install_garage
start_garage
APP_PORT=$(free_port)
export DATABASE_URL="$TEST_DATABASE_URL"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__LOG__FILTER=warn
export EKEMISKINAN__UPLOADS__PARTIAL_DIR="$WORK/uploads"
export EKEMISKINAN__STORAGE__KIND=s3
export EKEMISKINAN__STORAGE__S3__ENDPOINT="$TEST_S3_ENDPOINT"
export EKEMISKINAN__STORAGE__S3__REGION="$TEST_S3_REGION"
export EKEMISKINAN__STORAGE__S3__BUCKET="$TEST_S3_BUCKET"
export EKEMISKINAN__STORAGE__S3__ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID"
export EKEMISKINAN__STORAGE__S3__SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY"
echo "$PASSWORD" | "$SERVER" seed-demo >/dev/null

echo "photo load: ${SECONDS_EACH} s per pass, server on PostgreSQL (fsync on) + Garage $GARAGE_VERSION, release build, default [photos] workers"
"$SERVER" serve >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
for round in $(seq "$ROUNDS"); do
    for clients in 8 16; do
        result=$("$BIN/photobench" load --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients "$clients" --seconds "$SECONDS_EACH" "$WORK"/photos/phone*.jpg)
        echo "round $round: $result"
        "$BIN/photobench" s3put --clients "$clients" "$WORK"/photos/phone*.jpg
    done
done
if grep -q "deadlock" "$WORK/server.log"; then
    echo "the server logged deadlocks:"
    grep -c "deadlock" "$WORK/server.log"
fi
