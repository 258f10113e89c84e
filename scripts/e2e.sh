# Browser tests of the web apps (Playwright in Debian's Chromium) against the real server on
# PostgreSQL and Garage; sourced by scripts/test after scripts/services.sh started them
# (TEST_DATABASE_URL, TEST_S3_*). Builds the server and the seeding tool, makes a database of
# its own, seeds the demo region and users (`ekemiskinan seed-demo`) and surveys with photos
# (tests/src/bin/e2eseed.rs), serves on a free port with an offline basemap (a PMTiles file
# made by web/e2e/make-basemap.mjs), and runs `npx playwright test` in web/.
# Screenshots land in web/test-results/screenshots.

install_chromium() {
    if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then return; fi
    log "Chromium not found; installing it from Debian"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
}

# The database URL with another database name, keeping any query string.
database_url() {
    local base="${TEST_DATABASE_URL%%\?*}" query=""
    [ "$base" != "$TEST_DATABASE_URL" ] && query="?${TEST_DATABASE_URL#*\?}"
    echo "${base%/*}/$1$query"
}

# Stops the server and drops the database of the browser tests (also on a failure or ^C:
# scripts/test calls it from its cleanup).
cleanup_e2e() {
    if [ -n "${E2E_SERVER_PID:-}" ]; then
        kill "$E2E_SERVER_PID" 2>/dev/null || true
        wait "$E2E_SERVER_PID" 2>/dev/null || true
        E2E_SERVER_PID=""
    fi
    if [ -n "${E2E_DB:-}" ]; then
        "$(find_pg_bin)/psql" -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $E2E_DB" \
            >/dev/null 2>&1 || true
        E2E_DB=""
    fi
    [ -n "${E2E_WORK:-}" ] && rm -rf "$E2E_WORK"
    E2E_WORK=""
}

run_e2e() {
    install_chromium
    cargo build -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin e2eseed
    # Where cargo put them: its own target directory, or the one CARGO_TARGET_DIR names.
    local bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"
    local port password seed
    E2E_DB="e2e_$(date +%s)_$$"
    "$(find_pg_bin)/psql" -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $E2E_DB" >/dev/null
    port=$(free_port)
    password="kata-sandi-e2e-$$"
    E2E_WORK=$(mktemp -d /tmp/ekemiskinan-e2e.XXXXXX)
    seed="$PWD/web/test-results/seed.json"
    mkdir -p web/test-results/screenshots
    # An offline basemap of one colour (the map test looks for it under the desa).
    node web/e2e/make-basemap.mjs "$E2E_WORK/basemap.pmtiles" dde8f0
    local env=(
        DATABASE_URL="$(database_url "$E2E_DB")"
        EKEMISKINAN__SERVER__BIND="127.0.0.1:$port"
        EKEMISKINAN__LOG__FILTER=warn
        EKEMISKINAN__STORAGE__KIND=s3
        EKEMISKINAN__STORAGE__S3__ENDPOINT="$TEST_S3_ENDPOINT"
        EKEMISKINAN__STORAGE__S3__REGION="$TEST_S3_REGION"
        EKEMISKINAN__STORAGE__S3__BUCKET="$TEST_S3_BUCKET"
        EKEMISKINAN__STORAGE__S3__PREFIX="e2e-$$/"
        EKEMISKINAN__STORAGE__S3__ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID"
        EKEMISKINAN__STORAGE__S3__SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY"
        EKEMISKINAN__MAP__BASEMAP_PMTILES="$E2E_WORK/basemap.pmtiles"
        EKEMISKINAN__MAP__BASEMAP_ATTRIBUTION="Peta dasar uji"
        EKEMISKINAN__UPLOADS__PARTIAL_DIR="$E2E_WORK/uploads"
    )
    echo "$password" | env "${env[@]}" "$bin/ekemiskinan" seed-demo >/dev/null
    env "${env[@]}" "$bin/ekemiskinan" serve >"$E2E_WORK/server.log" 2>&1 &
    E2E_SERVER_PID=$!
    local ready=""
    for _ in $(seq 200); do
        if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then ready=1; break; fi
        sleep 0.1
    done
    local status=0
    if [ -z "$ready" ]; then
        log "the server did not start"
        status=1
    fi
    if [ "$status" = 0 ]; then
        "$bin/e2eseed" --url "http://127.0.0.1:$port" --password "$password" --out "$seed" \
            || status=$?
    fi
    if [ "$status" = 0 ]; then
        (cd web && E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="$password" \
            E2E_SEED="$seed" npx playwright test) || status=$?
    fi
    if [ "$status" != 0 ]; then
        log "browser tests failed; the server's log:"
        tail -n 50 "$E2E_WORK/server.log" >&2
    fi
    cleanup_e2e
    return "$status"
}
