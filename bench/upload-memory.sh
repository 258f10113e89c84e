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
LOG_PREFIX=bench/upload-memory
# shellcheck source=bench/photo_server.sh
. bench/photo_server.sh
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null

rss() { awk "/$1/ {printf \"%.1f MiB\", \$2/1024}" "/proc/$SERVER_PID/status"; }
echo "uploads: $CLIENTS clients, server on PostgreSQL (fsync on) + Garage $GARAGE_VERSION, release build"
for round in $(seq "$ROUNDS"); do
    for chunk in 262144 16777216; do
        serve
        idle=$(rss VmRSS)
        result=$("$BIN/photobench" uploads --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients "$CLIENTS" --chunk "$chunk" "$WORK"/photos/phone*.jpg)
        echo "round $round, chunk $chunk bytes: $result; server idle $idle, peak $(rss VmHWM)"
        stop_server
    done
    "$BIN/photobench" s3put --clients "$CLIENTS" "$WORK"/photos/phone*.jpg
done
