# What the photo benchmarks under load share (sourced by bench/upload-memory.sh and
# bench/photo-load.sh, after LOG_PREFIX is set): a temporary folder, `serve` to start the
# server ($SERVER, by default the release build) and wait until it is ready, the server stopped
# on exit, Pillow and NumPy, the release server and photobench, three 12 MP phone photos in
# $WORK/photos, a throwaway PostgreSQL (fsync on) and Garage, and the server's environment
# pointing at both, on the free port $APP_PORT.

PASSWORD=kata-sandi-bench
PY=/usr/bin/python3
# shellcheck source=scripts/services.sh
. scripts/services.sh
WORK=$(mktemp -d /tmp/ekemiskinan-photobench.XXXXXX)
stop_server() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
serve() {
    "$SERVER" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && return; sleep 0.1; done
    tail -20 "$WORK/server.log" >&2
    log "the server did not start"
    exit 1
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
