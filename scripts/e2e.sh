# Browser tests of the web apps (Playwright in Debian's Chromium) against the real server on
# PostgreSQL and Garage; sourced by scripts/test after scripts/services.sh started them
# (TEST_DATABASE_URL, TEST_S3_*). Builds the server and the seeding tool, makes a database of
# its own, seeds the demo region and users (`ekemiskinan seed-demo`) and surveys with photos
# (tests/src/bin/e2eseed.rs), serves on a free port, and runs `npx playwright test` in web/.
# Screenshots land in web/test-results/screenshots.

install_chromium() {
    if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then return; fi
    log "Chromium not found; installing it from Debian"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
}

run_e2e() {
    install_chromium
    cargo build -q -p ekemiskinan-server --bin ekemiskinan -p tests --bin e2eseed
    local psql port db url password seed work
    psql="$(find_pg_bin)/psql"
    db="e2e_$(date +%s)_$$"
    "$psql" -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
    url="${TEST_DATABASE_URL%/*}/$db"
    port=$(free_port)
    password="kata-sandi-e2e-$$"
    work=$(mktemp -d /tmp/ekemiskinan-e2e.XXXXXX)
    seed="$PWD/web/test-results/seed.json"
    mkdir -p web/test-results/screenshots
    (
        export DATABASE_URL="$url"
        export EKEMISKINAN__SERVER__BIND="127.0.0.1:$port"
        export EKEMISKINAN__LOG__FILTER=warn
        export EKEMISKINAN__STORAGE__KIND=s3
        export EKEMISKINAN__STORAGE__S3__ENDPOINT="$TEST_S3_ENDPOINT"
        export EKEMISKINAN__STORAGE__S3__REGION="$TEST_S3_REGION"
        export EKEMISKINAN__STORAGE__S3__BUCKET="$TEST_S3_BUCKET"
        export EKEMISKINAN__STORAGE__S3__PREFIX="e2e-$$/"
        export EKEMISKINAN__STORAGE__S3__ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID"
        export EKEMISKINAN__STORAGE__S3__SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY"
        echo "$password" | target/debug/ekemiskinan seed-demo >/dev/null
        target/debug/ekemiskinan serve >"$work/server.log" 2>&1 &
        echo $! >"$work/server.pid"
    )
    E2E_SERVER_PID=$(cat "$work/server.pid")
    local ready=""
    for _ in $(seq 200); do
        if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then ready=1; break; fi
        sleep 0.1
    done
    if [ -z "$ready" ]; then cat "$work/server.log" >&2; log "the server did not start"; return 1; fi
    local status=0
    target/debug/e2eseed --url "http://127.0.0.1:$port" --password "$password" --out "$seed" || status=$?
    if [ "$status" = 0 ]; then
        (cd web && E2E_BASE_URL="http://127.0.0.1:$port" E2E_PASSWORD="$password" E2E_SEED="$seed" \
            npx playwright test) || status=$?
    fi
    kill "$E2E_SERVER_PID" 2>/dev/null || true
    wait "$E2E_SERVER_PID" 2>/dev/null || true
    if [ "$status" != 0 ]; then
        log "browser tests failed; the server's log:"
        tail -n 50 "$work/server.log" >&2
    fi
    rm -rf "$work"
    return "$status"
}
