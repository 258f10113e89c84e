#!/usr/bin/env bash
# Panning the console's map over many households (web/bench/peta.bench.ts): frame times in
# Debian's Chromium with the CPU throttled 4×, and the viewport answers during it; the same
# moves again over the desa alone and over MapLibre's background alone (the browser's floor).
#
# bench/peta.sh [HOUSEHOLDS]   (default: 100000; CPU_THROTTLE=1 for the CPU as it is)
#
# Fills an embedded store (SQLite, in a temporary folder) with synthetic households over the
# real desa of Luwu Utara with tests/src/bin/mapbench.rs (which also seeds the demo users),
# serves it with the release server, and drives the Peta page as the demo supervisor.
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${1:-100000}
LOG_PREFIX=bench/peta
# shellcheck source=scripts/services.sh
. scripts/services.sh

cargo build --release -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin mapbench
# shellcheck source=bench/web_server.sh
. bench/web_server.sh
db="sqlite://$BENCH_WORK/peta.db?mode=rwc"
target/release/mapbench --households "$HOUSEHOLDS" --requests 1 --database-url "$db" >/dev/null
port=$(free_port)
bench_serve "$port" DATABASE_URL="$db"
cd web
E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="kata-sandi-bench" \
    npx playwright test -c bench/playwright.config.ts peta.bench.ts
