#!/usr/bin/env bash
# How long requests wait with PostgreSQL or the object store hung or down, with the default
# bounds (server.unavailable_after_seconds 10, server.ready_timeout_seconds 2), against the
# same requests with everything up, in the same run (tests/src/bin/failbench.rs).
#
# Usage: bench/failfast.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
LOG_PREFIX=bench/failfast
# shellcheck source=scripts/services.sh
. scripts/services.sh
trap cleanup EXIT
cargo build --release -q -p tests --bin failbench
start_postgres
install_garage
start_garage
echo "machine: $(nproc) cores; PostgreSQL and Garage $GARAGE_VERSION behind TCP proxies the bench hangs or cuts"
RUST_LOG=error target/release/failbench --rounds "$ROUNDS"
