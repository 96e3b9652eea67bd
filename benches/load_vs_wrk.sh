#!/bin/sh
# Load's throughput against wrk's, same endpoint, same run (issue 18: load >= 0.8x wrk).
#
# Starts `tokenbench serve` on a free loopback port, logs one demo user in, then measures the
# same authenticated `GET /me` with wrk (C connections, WRK_SECONDS seconds) and with
# `tokenbench load` (C in flight, REQUESTS requests), and prints both req/s and the ratio.
# Run from the repository root after `cargo build --release` (or set TOKENBENCH to a binary).
#
#   MODE=jwt|session CONCURRENCY=16 REQUESTS=200000 WRK_SECONDS=10 THREADS=2 benches/load_vs_wrk.sh
set -eu

BIN=${TOKENBENCH:-target/release/tokenbench}
MODE=${MODE:-jwt}
C=${CONCURRENCY:-16}
R=${REQUESTS:-200000}
SECONDS_WRK=${WRK_SECONDS:-10}
THREADS=${THREADS:-2}

[ -x "$BIN" ] || { echo "no tokenbench binary at $BIN (cargo build --release, or set TOKENBENCH)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Request logs go to /dev/null: both clients pay the same server, the terminal is not measured.
"$BIN" serve --mode "$MODE" --listen 127.0.0.1:0 --for 600 >"$work/serve.out" 2>/dev/null &
serve_pid=$!
i=0
while ! grep -q '"url"' "$work/serve.out" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && { echo "serve printed no URL within 10 s" >&2; exit 2; }
    sleep 0.1
done
url=$(sed -n 's/.*"url": *"\([^"]*\)".*/\1/p' "$work/serve.out" | head -n 1)

login=$(curl -s -D "$work/headers" -X POST -H 'Content-Type: application/json' \
    -d '{"user": "alice", "password": "alice"}' "$url/login")
if [ "$MODE" = jwt ]; then
    token=$(printf '%s' "$login" | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
    header="Authorization: Bearer $token"
else
    cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\);.*/\1/p' "$work/headers" | head -n 1)
    header="Cookie: $cookie"
fi

wrk_out=$(wrk -t"$THREADS" -c"$C" -d"${SECONDS_WRK}s" -H "$header" "$url/me")
wrk_rps=$(printf '%s\n' "$wrk_out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
wrk_non2xx=$(printf '%s\n' "$wrk_out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')

load_out=$("$BIN" load "$url" --mode "$MODE" --users 1 --requests "$R" --concurrency "$C" --json)
load_rps=$(printf '%s\n' "$load_out" | sed -n 's/.*"req_per_s": *\([0-9.]*\).*/\1/p')
load_failed=$(printf '%s\n' "$load_out" | sed -n 's/.*"failed": *\([0-9]*\).*/\1/p')

echo "endpoint: $url/me ($MODE mode, $C connections, $THREADS wrk threads)"
echo "wrk:  $wrk_rps req/s over ${SECONDS_WRK} s (non-2xx: ${wrk_non2xx:-0})"
echo "load: $load_rps req/s over $R requests (failed: $load_failed)"
awk -v l="$load_rps" -v w="$wrk_rps" 'BEGIN { printf "ratio load/wrk: %.2f (target >= 0.80)\n", l / w }'
