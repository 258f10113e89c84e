#!/usr/bin/env bash
# The map's viewports and the desa figures over many households of Luwu Utara, on the
# embedded store (SQLite) and on PostgreSQL, one after the other on the same machine.
#
# bench/map.sh [HOUSEHOLDS] [REQUESTS]   (default: 100000 40)
#
# Builds tests/src/bin/mapbench.rs (release) and runs it twice: on SQLite in a temporary file,
# then on a throwaway PostgreSQL (fsync on). Each run fills the store with synthetic households
# spread over the real desa of Luwu Utara and times, per viewport size (a street to the whole
# kabupaten), the server's answer against clustering the household rows at each request; and
# counting the cells, and the desa figures (see the binary's header).
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${1:-100000}
REQUESTS=${2:-40}

LOG_PREFIX=bench/map
# shellcheck source=scripts/services.sh
. scripts/services.sh
trap cleanup EXIT

cargo build --release -q -p tests --bin mapbench
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); release build"
target/release/mapbench --households "$HOUSEHOLDS" --requests "$REQUESTS"
echo
PG_DURABLE=1 start_postgres
target/release/mapbench --households "$HOUSEHOLDS" --requests "$REQUESTS" \
    --database-url "$TEST_DATABASE_URL"
