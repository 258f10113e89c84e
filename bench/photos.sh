#!/usr/bin/env bash
# Photo benchmarks, each against its references in the same run on the same machine.
#
# 1. Pipeline time per photo on 12-megapixel phone JPEGs (bench/make_photos.py): this server's
#    pipeline (decode, EXIF, thumbnails at 1024 and 256 px, perceptual hash; one thread)
#    against vipsthumbnail (libvips) making one thumbnail — at 1024 px and at 256 px — and
#    Pillow's Image.thumbnail (what KoboToolbox uses) making one 1024 px thumbnail and saving
#    it. Each tool runs over the same files in one process per round; rounds alternate.
#    vipsthumbnail uses both cores by default; it is also timed on one thread, as ours runs.
# 2. CLIENTS concurrent tus uploads of ~3.5 MB photos (256 KiB chunks, each with its
#    checksum) to the release server on PostgreSQL (durable) and Garage: MB/s and the server's
#    peak RSS (VmHWM), against the same bytes put straight into Garage by as many clients.
#
# Usage: bench/photos.sh [ROUNDS] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
CLIENTS=${2:-50}
PASSWORD=kata-sandi-bench
PY=/usr/bin/python3

LOG_PREFIX=bench/photos
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-photobench.XXXXXX)
stop_all() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
    cleanup
    rm -rf "$WORK"
}
trap stop_all EXIT

apt_install() { # PACKAGES… from Debian
    log "installing $* from Debian"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}
if ! command -v vipsthumbnail >/dev/null || ! "$PY" -c 'import PIL, numpy' 2>/dev/null; then
    apt_install libvips-tools python3-pil python3-numpy
fi
# The JPEG decoder (libjpeg-turbo, built by the mozjpeg crate) gets its SIMD only when nasm is
# there at build time; a build made without it is redone.
if ! command -v nasm >/dev/null; then
    apt_install nasm
    cargo clean --release -q -p mozjpeg-sys
fi
cargo build --release -q -p ekemiskinan-server -p tests --bin ekemiskinan --bin photobench
BIN=target/release

mkdir -p "$WORK/photos" "$WORK/vips"
"$PY" bench/make_photos.py "$WORK/photos" 3
# Ten files per pass, as links to the three photos.
FILES=()
for i in $(seq 0 9); do ln -s "$WORK/photos/phone$((i % 3)).jpg" "$WORK/photos/p$i.jpg"; FILES+=("$WORK/photos/p$i.jpg"); done
echo "machine: $(nproc) cores; $(vipsthumbnail --version); Pillow $("$PY" -c 'import PIL; print(PIL.__version__)')"
echo "photos: $(ls -l "$WORK"/photos/phone*.jpg | awk '{s+=$5} END {printf "%.2f MB average", s/NR/1e6}'), 4032x3024"

per_photo_ms() { # command… → ms per photo over the ten files
    local start end
    start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    echo $(( (end - start) / 10 / 1000000 ))
}
PILLOW='import os, sys
from PIL import Image
for f in sys.argv[1:]:
    im = Image.open(f); im.thumbnail((1024, 1024)); im.save(os.environ["OUT"])'
for round in $(seq "$ROUNDS"); do
    ours=$("$BIN/photobench" pipeline --rounds 1 "${FILES[@]}" | sed 's/.*mean_ms=\([0-9.]*\).*/\1/')
    vips1024=$(per_photo_ms vipsthumbnail -s 1024 -o "$WORK/vips/%s.jpg" "${FILES[@]}")
    vips256=$(per_photo_ms vipsthumbnail -s 256 -o "$WORK/vips/%s.jpg" "${FILES[@]}")
    vips256_1=$(per_photo_ms env VIPS_CONCURRENCY=1 vipsthumbnail -s 256 -o "$WORK/vips/%s.jpg" "${FILES[@]}")
    pillow=$(per_photo_ms env OUT="$WORK/pillow.jpg" "$PY" -c "$PILLOW" "${FILES[@]}")
    echo "round $round: pipeline ${ours} ms/photo; vipsthumbnail 1024 px ${vips1024} ms; vipsthumbnail 256 px ${vips256} ms (one thread: ${vips256_1} ms); Pillow thumbnail 1024 px ${pillow} ms"
done

# Uploads.
PG_DURABLE=1 start_postgres
install_garage
start_garage
APP_PORT=$(free_port)
export DATABASE_URL="$TEST_DATABASE_URL"
export EKEMISKINAN__SERVER__BIND="127.0.0.1:$APP_PORT"
export EKEMISKINAN__LOG__FILTER=warn
export EKEMISKINAN__STORAGE__KIND=s3
export EKEMISKINAN__STORAGE__S3__ENDPOINT="$TEST_S3_ENDPOINT"
export EKEMISKINAN__STORAGE__S3__REGION="$TEST_S3_REGION"
export EKEMISKINAN__STORAGE__S3__BUCKET="$TEST_S3_BUCKET"
export EKEMISKINAN__STORAGE__S3__ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID"
export EKEMISKINAN__STORAGE__S3__SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY"
echo "$PASSWORD" | "$BIN/ekemiskinan" seed-demo >/dev/null
"$BIN/ekemiskinan" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done
echo "uploads: $CLIENTS clients, server on PostgreSQL (fsync on) + Garage $GARAGE_VERSION, release build"
for round in $(seq "$ROUNDS"); do
    "$BIN/photobench" uploads --url "http://127.0.0.1:$APP_PORT" --password "$PASSWORD" \
        --clients "$CLIENTS" "$WORK"/photos/phone*.jpg
    "$BIN/photobench" s3put --clients "$CLIENTS" "$WORK"/photos/phone*.jpg
    echo "server peak RSS so far: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER_PID/status")"
done
