#!/usr/bin/env bash
# The web apps' figures: the field app on a low-end phone (web/bench/lapangan.bench.ts: the app
# shell's size, opening the survey form and a keystroke's check with the CPU throttled 4×,
# syncing 200 households surveyed offline on an emulated 3G link, IndexedDB used per
# household), and the console's household page with its photos (web/bench/konsol.bench.ts).
#
# bench/lapangan.sh
# SERVER=target/debug/ekemiskinan bench/lapangan.sh   (another server build; see web_server.sh)
#
# Builds the release server and the seeding tool, serves on the embedded default (SQLite and a
# local-disk store, in a temporary folder), seeds the demo region with five surveys with photos
# (tests/src/bin/e2eseed.rs), and runs the measurements in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_PREFIX=bench/lapangan
# shellcheck source=scripts/services.sh
. scripts/services.sh

# With SERVER given, that build is measured as it is (the seeding tool is built if missing).
if [ -z "${SERVER:-}" ]; then
    cargo build --release -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin e2eseed
elif [ ! -x target/release/e2eseed ]; then
    cargo build --release -q -p tests --bin e2eseed
fi
# shellcheck source=bench/web_server.sh
. bench/web_server.sh
port=$(free_port)
password="kata-sandi-bench-$$"
(cd "$BENCH_WORK" && echo "$password" | "$BENCH_SERVER_BIN" seed-demo >/dev/null)
bench_serve "$port"
target/release/e2eseed --url "http://127.0.0.1:$port" --password "$password" \
    --out "$BENCH_WORK/seed.json" >/dev/null
cd web
E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="$password" E2E_SEED="$BENCH_WORK/seed.json" \
    npx playwright test -c bench/playwright.config.ts lapangan.bench.ts konsol.bench.ts
