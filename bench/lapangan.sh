#!/usr/bin/env bash
# The web apps' figures: the field app on a low-end phone (web/bench/lapangan.bench.ts: the app
# shell's size, opening the survey form and a keystroke's check with the CPU throttled 4×,
# syncing 200 households surveyed offline on an emulated 3G link, IndexedDB used per
# household), and the console's household page with its photos (web/bench/konsol.bench.ts).
#
# bench/lapangan.sh
#
# Builds the release server and the seeding tool, serves on the embedded default (SQLite and a
# local-disk store, in a temporary folder), seeds the demo region with five surveys with photos
# (tests/src/bin/e2eseed.rs), and runs the measurements in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_PREFIX=bench/lapangan
# shellcheck source=scripts/services.sh
. scripts/services.sh

WORK=$(mktemp -d /tmp/ekemiskinan-bench-lapangan.XXXXXX)
SERVER_PID=""
stop() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap stop EXIT

cargo build --release -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin e2eseed
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
port=$(free_port)
password="kata-sandi-bench-$$"
root=$PWD
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); release build; Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
(
    cd "$WORK"
    echo "$password" | "$root/target/release/ekemiskinan" seed-demo >/dev/null
    EKEMISKINAN__SERVER__BIND="127.0.0.1:$port" EKEMISKINAN__LOG__FILTER=warn \
        exec "$root/target/release/ekemiskinan" serve >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done
target/release/e2eseed --url "http://127.0.0.1:$port" --password "$password" \
    --out "$WORK/seed.json" >/dev/null
cd web
E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="$password" E2E_SEED="$WORK/seed.json" \
    npx playwright test -c bench/playwright.config.ts lapangan.bench.ts konsol.bench.ts
