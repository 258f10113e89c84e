# Throwaway services for the tests and the benchmarks, sourced by scripts/test and bench/*.sh:
# - start_postgres: a PostgreSQL cluster in a temporary directory on a free port (as the
#   `postgres` user when run as root), installed from Debian when missing. Durability is off
#   (these databases live for one run) unless PG_DURABLE=1; PG_OPTIONS adds server options
#   (`-c name=value …`). Exports TEST_DATABASE_URL.
# - install_garage / start_garage: Garage $GARAGE_VERSION, installed once into $GARAGE_ROOT,
#   started single-node in a temporary directory with a key and a bucket. Exports TEST_S3_*.
# - cleanup: stops and removes both.
# Callers set LOG_PREFIX for log lines.

log() { printf '[%s] %s\n' "${LOG_PREFIX:-services}" "$*" >&2; }

find_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return 0; fi
    return 1
}

install_postgres() {
    log "PostgreSQL not found; installing it from Debian"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
    local bin port
    bin=$(find_pg_bin) || { install_postgres; bin=$(find_pg_bin); }
    PG_TMP=$(mktemp -d /tmp/ekemiskinan-pg.XXXXXX)
    port=$(free_port)
    # PostgreSQL refuses to run as root: run it as the `postgres` user then.
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PG_TMP"
        as_pg() { runuser -u postgres -- "$@"; }
    else
        as_pg() { "$@"; }
    fi
    as_pg "$bin/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    # Durability off: these databases live for one test run (benchmarks keep it on).
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_DURABLE:-0}" = 1 ] && durability="-c shared_buffers=256MB"
    as_pg "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -w -t 60 \
        -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c max_connections=400 $durability ${PG_OPTIONS:-}" \
        start >/dev/null
    PG_STOP=("$bin/pg_ctl" -D "$PG_TMP/data" -m immediate stop)
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    log "throwaway PostgreSQL on port $port ($PG_TMP)"
}

GARAGE_VERSION=2.5.0
GARAGE_ROOT=${GARAGE_ROOT:-$HOME/.cache/ekemiskinan/garage-$GARAGE_VERSION}

# The tests that stop and restart an object store start a Garage of their own: they need
# the binary even when TEST_S3_ENDPOINT names another S3 server.
install_garage() {
    local bin="$GARAGE_ROOT/bin/garage"
    if [ ! -x "$bin" ]; then
        log "Garage $GARAGE_VERSION not found in $GARAGE_ROOT; installing it (about 9 minutes, once)"
        cargo install garage --version "$GARAGE_VERSION" --locked --root "$GARAGE_ROOT"
    fi
    export TEST_GARAGE_BIN="$bin"
}

start_garage() {
    local bin="$TEST_GARAGE_BIN"
    GARAGE_TMP=$(mktemp -d /tmp/ekemiskinan-garage.XXXXXX)
    local s3_port rpc_port admin_port
    s3_port=$(free_port); rpc_port=$(free_port); admin_port=$(free_port)
    cat >"$GARAGE_TMP/garage.toml" <<CONF
metadata_dir = "$GARAGE_TMP/meta"
data_dir = "$GARAGE_TMP/data"
db_engine = "sqlite"
replication_factor = 1
compression_level = "none"
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$(python3 -c 'import secrets; print(secrets.token_hex(32))')"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$admin_port"
CONF
    GARAGE=("$bin" -c "$GARAGE_TMP/garage.toml")
    "${GARAGE[@]}" server >"$GARAGE_TMP/garage.log" 2>&1 &
    GARAGE_PID=$!
    local node=""
    for _ in $(seq 100); do
        node=$("${GARAGE[@]}" status 2>/dev/null | awk '/HEALTHY NODES/ { getline; getline; print $1; exit }' || true)
        [ -n "$node" ] && break
        sleep 0.1
    done
    [ -n "$node" ] || { cat "$GARAGE_TMP/garage.log" >&2; log "Garage did not start"; exit 1; }
    "${GARAGE[@]}" layout assign -z dc1 -c 1G "$node" >/dev/null
    "${GARAGE[@]}" layout apply --version 1 >/dev/null
    local key
    key=$("${GARAGE[@]}" key create ekemiskinan-test)
    "${GARAGE[@]}" bucket create ekemiskinan-test >/dev/null
    "${GARAGE[@]}" bucket allow --read --write --owner ekemiskinan-test --key ekemiskinan-test >/dev/null
    export TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
    export TEST_S3_REGION=garage
    export TEST_S3_BUCKET=ekemiskinan-test
    TEST_S3_ACCESS_KEY_ID=$(awk '/Key ID:/ { print $3 }' <<<"$key")
    TEST_S3_SECRET_ACCESS_KEY=$(awk '/Secret key:/ { print $3 }' <<<"$key")
    export TEST_S3_ACCESS_KEY_ID TEST_S3_SECRET_ACCESS_KEY
    log "throwaway Garage S3 on $TEST_S3_ENDPOINT ($GARAGE_TMP)"
}

cleanup() {
    if [ -n "${PG_TMP:-}" ]; then
        as_pg "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
    if [ -n "${GARAGE_TMP:-}" ]; then
        kill "$GARAGE_PID" 2>/dev/null || true
        wait "$GARAGE_PID" 2>/dev/null || true
        rm -rf "$GARAGE_TMP"
    fi
}
