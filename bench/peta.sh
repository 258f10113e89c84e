#!/usr/bin/env bash
# Panning the console's map over many households (web/bench/peta.bench.ts): frame times in
# Debian's Chromium with the CPU throttled 4×, and the viewport answers during it.
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

WORK=$(mktemp -d /tmp/ekemiskinan-bench-peta.XXXXXX)
SERVER_PID=""
stop() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap stop EXIT

cargo build --release -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin mapbench
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
db="sqlite://$WORK/peta.db?mode=rwc"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); release build; Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
target/release/mapbench --households "$HOUSEHOLDS" --requests 1 --database-url "$db" >/dev/null
port=$(free_port)
(
    cd "$WORK"
    DATABASE_URL="$db" EKEMISKINAN__SERVER__BIND="127.0.0.1:$port" EKEMISKINAN__LOG__FILTER=warn \
        exec "$OLDPWD/target/release/ekemiskinan" serve >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done
cd web
E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="kata-sandi-bench" \
    npx playwright test -c bench/playwright.config.ts peta.bench.ts
