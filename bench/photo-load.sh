#!/usr/bin/env bash
# Photos under load: phones survey households for SECONDS, each visit naming a ~3.5 MB phone
# photo (bench/make_photos.py) that the phone uploads over tus in 256 KiB chunks after its
# push; then the run waits until every photo is analysed (thumbnails, EXIF, perceptual hash)
# and every visit checked. With 8 and 16 phones: photos and MB/s accepted while the phones
# send, photos/s fully processed, the catch-up after the phones stop, and the deadlocks
# PostgreSQL counted (pg_stat_database). Beside each pass, in the same run: as many clients
# putting the same bytes straight into Garage (MB/s). The photos of a pass are one picture
# made distinct by a comment only: their perceptual hashes stay the same, so the checks meet
# look-alikes and queue other households' checks again (by construction, not counted): the
# work that deadlocked before checks were queued again in one lock order. Then 16 phones
# starting photos at a steady RATES (photos/s, default "3 6"): whether processing keeps up
# with that arrival, and how long photos wait from stored to analysed.
#
# Usage: bench/photo-load.sh [ROUNDS] [SECONDS]   (RATES="3 6" by default)
#   SERVER=path/to/ekemiskinan runs another build of the server under the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-1}
SECONDS_EACH=${2:-30}
RATES=${RATES:-3 6}
LOG_PREFIX=bench/photo-load
# shellcheck source=bench/photo_server.sh
. bench/photo_server.sh
SERVER=${SERVER:-$BIN/ekemiskinan}
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
    for rate in $RATES; do
        result=$("$BIN/photobench" load --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients 16 --rate "$rate" --seconds "$SECONDS_EACH" "$WORK"/photos/phone*.jpg)
        echo "round $round, steady $rate photos/s: $result"
    done
done
if grep -q "deadlock" "$WORK/server.log"; then
    echo "the server logged deadlocks:"
    grep -c "deadlock" "$WORK/server.log"
fi
