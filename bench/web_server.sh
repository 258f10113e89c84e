# What the browser benchmarks share (sourced by bench/lapangan.sh and bench/peta.sh): a
# temporary folder removed on exit, node modules, the machine's description, and the release
# server serving from that folder on a free port.

BENCH_WORK=$(mktemp -d /tmp/ekemiskinan-bench-web.XXXXXX)
BENCH_SERVER_PID=""
bench_stop() {
    [ -n "$BENCH_SERVER_PID" ] && kill "$BENCH_SERVER_PID" 2>/dev/null && wait "$BENCH_SERVER_PID" 2>/dev/null
    rm -rf "$BENCH_WORK"
}
trap bench_stop EXIT

(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); release build; Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"

# The server measured: the release build, or SERVER=path for another (a debug build serves
# web/dist from the disk, so two builds of the web apps can be compared on one server).
BENCH_SERVER_BIN=$(realpath -m "${SERVER:-target/release/ekemiskinan}")

# bench_serve PORT [ENV=VALUE...]: the server in $BENCH_WORK (its default store lives there),
# with the environment given, until it answers /readyz.
bench_serve() {
    local port=$1
    shift
    (
        cd "$BENCH_WORK"
        exec env "$@" EKEMISKINAN__SERVER__BIND="127.0.0.1:$port" EKEMISKINAN__LOG__FILTER=warn \
            "$BENCH_SERVER_BIN" serve >"$BENCH_WORK/server.log" 2>&1
    ) &
    BENCH_SERVER_PID=$!
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return
        sleep 0.1
    done
    log "the server did not start"
    return 1
}
