#!/usr/bin/env bash
# Photo benchmarks, each against its references in the same run on the same machine.
#
# 1. Pipeline time per photo on 12-megapixel phone JPEGs (bench/make_photos.py): this server's
#    pipeline (decode, EXIF, thumbnails at 1024 and 256 px, perceptual hash; one thread)
#    against vipsthumbnail (libvips) making one thumbnail — at 1024 px and at 256 px — and
#    Pillow's Image.thumbnail (what KoboToolbox uses) making one 1024 px thumbnail and saving
#    it. Each tool runs over the same files in one process per round; rounds alternate.
#    vipsthumbnail uses both cores by default; it is also timed on one thread, as ours runs.
# The uploads of such photos are measured by bench/upload-memory.sh.
#
# Usage: bench/photos.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
PY=/usr/bin/python3

LOG_PREFIX=bench/photos
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-photobench.XXXXXX)
stop_all() {
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
cargo build --release -q -p tests --bin photobench
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

