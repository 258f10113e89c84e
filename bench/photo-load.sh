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
# with that arrival, and how long photos wait from stored to analysed. Last, the server
# restarted as an instance that only takes uploads (`photos.workers = 0`: another instance
# would run the pipeline), under 8 and 16 phones flat out: what it accepts.
#
# Usage: bench/photo-load.sh [ROUNDS] [SECONDS]   (RATES="3 6" by default)
#   SERVER=path/to/ekemiskinan runs another build of the server under the same load.
#   CENTRAL_DIR=path/to/central-backend also runs ODK Central on the same PostgreSQL, and after
#   each pass as many clients send it the same photos for as long, one submission each, as
#   ODK Collect does (bench/central_server.sh says what it needs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-1}
SECONDS_EACH=${2:-30}
RATES=${RATES:-3 6}
LOG_PREFIX=bench/photo-load
# shellcheck source=bench/photo_server.sh
. bench/photo_server.sh
if [ -n "${CENTRAL_DIR:-}" ]; then
    # shellcheck source=bench/central_server.sh
    . bench/central_server.sh
fi
echo "$PASSWORD" | "$SERVER" seed-demo >/dev/null

echo "photo load: ${SECONDS_EACH} s per pass, server on PostgreSQL (fsync on) + Garage $GARAGE_VERSION, release build, default [photos] workers"
serve
for round in $(seq "$ROUNDS"); do
    for clients in 8 16; do
        result=$("$BIN/photobench" load --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients "$clients" --seconds "$SECONDS_EACH" "$WORK"/photos/phone*.jpg)
        echo "round $round: $result"
        "$BIN/photobench" s3put --clients "$clients" "$WORK"/photos/phone*.jpg
        if [ -n "${CENTRAL_DIR:-}" ]; then
            result=$("$BIN/photobench" central --url "$CENTRAL_URL" --key "$CENTRAL_KEY" \
                --clients "$clients" --seconds "$SECONDS_EACH" "$WORK"/photos/phone*.jpg)
            echo "round $round: $result"
        fi
    done
    for rate in $RATES; do
        result=$("$BIN/photobench" load --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients 16 --rate "$rate" --seconds "$SECONDS_EACH" "$WORK"/photos/phone*.jpg)
        echo "round $round, steady $rate photos/s: $result"
    done
done
# Last, because the photos these passes accept stay unprocessed and would queue in front of
# any pass after them.
stop_server
EKEMISKINAN__PHOTOS__WORKERS=0 serve
for round in $(seq "$ROUNDS"); do
    for clients in 8 16; do
        result=$("$BIN/photobench" load --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
            --clients "$clients" --seconds "$SECONDS_EACH" --accepted-only "$WORK"/photos/phone*.jpg)
        echo "round $round, uploads only: $result"
    done
done
if grep -q "deadlock" "$WORK/server.log"; then
    echo "the server logged deadlocks:"
    grep -c "deadlock" "$WORK/server.log"
fi
