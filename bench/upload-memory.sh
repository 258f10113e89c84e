#!/usr/bin/env bash
# The server's memory while many phones upload at once, by chunk size: CLIENTS concurrent tus
# uploads of ~3.5 MB phone photos (bench/make_photos.py) in 256 KiB chunks, and each photo in
# one PATCH (a stock tus client's default), each against a fresh server process so that its
# peak RSS (VmHWM) is that pass's alone. Beside each pass, in the same run: the server's RSS
# when idle, and the same bytes put straight into Garage by as many clients (MB/s).
#
# Usage: bench/upload-memory.sh [ROUNDS] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
CLIENTS=${2:-50}
PASSWORD=kata-sandi-bench
PY=/usr/bin/python3

LOG_PREFIX=bench/upload-memory
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-uploadmem.XXXXXX)
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
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null

rss() { awk "/$1/ {printf \"%.1f MiB\", \$2/1024}" "/proc/$SERVER_PID/status"; }
echo "uploads: $CLIENTS clients, server on PostgreSQL (fsync on) + Garage $GARAGE_VERSION, release build"
for round in $(seq "$ROUNDS"); do
    for chunk in 262144 16777216; do
        "$BIN/ekemiskinan" serve >>"$WORK/server.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
        idle=$(rss VmRSS)
        result=$("$BIN/photobench" uploads --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients "$CLIENTS" --chunk "$chunk" "$WORK"/photos/phone*.jpg)
        echo "round $round, chunk $chunk bytes: $result; server idle $idle, peak $(rss VmHWM)"
        stop_server
    done
    "$BIN/photobench" s3put --clients "$CLIENTS" "$WORK"/photos/phone*.jpg
done
