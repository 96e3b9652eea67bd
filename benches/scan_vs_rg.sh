#!/bin/sh
# The leak scan's throughput against ripgrep's, same files, same run (issue 19: scan >= 0.8x rg).
#
# Generates FILES access logs totalling CORPUS_MB MiB (web-server lines with IPs, paths, user
# agents, request ids, session cookies and a few one-segment base64 JSON blobs that start with
# "eyJ" but are no token), plants the sample tokens in a few of them, warms the page cache, then
# times RUNS runs of each, alternating, and keeps each tool's best:
#   rg -c '[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*' CORPUS   (a plain JWT-shaped regex)
#   rg -c 'eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*' CORPUS        (the same, anchored on the
#                                                                        literal the scan's prefilter uses)
#   tokenbench scan --json CORPUS
# and prints both throughputs (MB/s, 10^6 bytes) and the ratio. Run from the repository root after
# `cargo build --release --bin tokenbench` (or set TOKENBENCH to a binary).
#
#   CORPUS_MB=800 FILES=8 RUNS=3 benches/scan_vs_rg.sh
set -eu

BIN=${TOKENBENCH:-target/release/tokenbench}
CORPUS_MB=${CORPUS_MB:-800}
FILES=${FILES:-8}
RUNS=${RUNS:-3}

[ -x "$BIN" ] || { echo "no tokenbench binary at $BIN (cargo build --release --bin tokenbench, or set TOKENBENCH)" >&2; exit 2; }
command -v rg >/dev/null || { echo "ripgrep is not installed (apt-get install ripgrep)" >&2; exit 2; }
[ "$FILES" -ge 1 ] && [ "$CORPUS_MB" -ge "$FILES" ] || { echo "CORPUS_MB must be at least FILES" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
corpus="$work/corpus"
mkdir -p "$corpus"

# One MiB of varied log lines, repeated to size: both tools read the same bytes.
awk 'BEGIN {
    srand(19);
    split("GET POST PUT DELETE", m, " ");
    split("/ /index.html /static/app.js /static/style.css /api/v1/orders /api/v1/users/me /img/logo.png /health /login /search", p, " ");
    split("200 200 200 304 404 500 302", s, " ");
    hex = "0123456789abcdef"; b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    bytes = 0; n = 0;
    while (bytes < 1048576) {
        id = ""; for (i = 0; i < 32; i++) id = id substr(hex, int(rand() * 16) + 1, 1);
        sid = ""; for (i = 0; i < 43; i++) sid = sid substr(b64, int(rand() * 64) + 1, 1);
        extra = "";
        # One line in 500 carries a base64 JSON blob: "eyJ", but one segment, no token.
        if (n % 500 == 7) extra = " data=eyJmb28iOiJiYXIiLCJuIjo" int(rand() * 1000) "fQ";
        line = sprintf("10.%d.%d.%d - - [14/Nov/2023:22:%02d:%02d +0000] \"%s %s?page=%d&req=%s HTTP/1.1\" %s %d \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36\" sid=%s%s",
            int(rand() * 256), int(rand() * 256), int(rand() * 256), int(rand() * 60), int(rand() * 60),
            m[int(rand() * 4) + 1], p[int(rand() * 10) + 1], int(rand() * 50), id, s[int(rand() * 7) + 1],
            int(rand() * 50000), sid, extra);
        print line; bytes += length(line) + 1; n++;
    }
}' > "$work/chunk.log"

per_file=$((CORPUS_MB / FILES))
i=1
while [ "$i" -le "$FILES" ]; do
    f="$corpus/access-$i.log"
    j=0
    : > "$f"
    while [ "$j" -lt "$per_file" ]; do cat "$work/chunk.log" >> "$f"; j=$((j + 1)); done
    i=$((i + 1))
done
# The planted tokens: in the middle of the first file and at the end of the last.
planted=0
for sample in assets/samples/01-oidc-id-token-rs256.jwt assets/samples/02-expired-access-token-es256.jwt assets/samples/07-jwe-rfc7516.jwt; do
    token=$(tr -d '\n' < "$sample")
    printf '10.0.0.1 - - [14/Nov/2023:22:00:00 +0000] "GET /cb?access_token=%s HTTP/1.1" 200 1\n' "$token" >> "$corpus/access-1.log"
    printf 'Authorization: Bearer %s\n' "$token" >> "$corpus/access-$FILES.log"
    planted=$((planted + 2))
done

bytes=$(cat "$corpus"/*.log | wc -c)
cat "$corpus"/*.log > /dev/null # warm the page cache

now() { date +%s.%N; }
best_rg=
best_lit=
best_scan=
run=1
while [ "$run" -le "$RUNS" ]; do
    t0=$(now)
    rg -c '[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*' "$corpus" > "$work/rg.out" || true
    t1=$(now)
    "$BIN" scan --json "$corpus" > "$work/scan.out" || true
    t2=$(now)
    rg -c 'eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*' "$corpus" > "$work/rg-literal.out" || true
    t3=$(now)
    rg_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
    scan_s=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
    lit_s=$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')
    best_rg=$(awk -v x="$rg_s" -v y="${best_rg:-$rg_s}" 'BEGIN { print (x < y ? x : y) }')
    best_lit=$(awk -v x="$lit_s" -v y="${best_lit:-$lit_s}" 'BEGIN { print (x < y ? x : y) }')
    best_scan=$(awk -v x="$scan_s" -v y="${best_scan:-$scan_s}" 'BEGIN { print (x < y ? x : y) }')
    run=$((run + 1))
done

found=$(grep -c '"fingerprint"' "$work/scan.out" || true)
places=$(sed -n 's/.*"occurrences": *\([0-9]*\).*/\1/p' "$work/scan.out" | awk '{ n += $1 } END { print n + 0 }')
scanned=$(sed -n 's/.*"bytes_scanned": *\([0-9]*\).*/\1/p' "$work/scan.out")
rg_lines=$(awk -F: '{ n += $NF } END { print n + 0 }' "$work/rg.out")

echo "corpus: $FILES files, $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }') MiB), $planted planted token places, $(nproc) cores"
echo "rg:   best of $RUNS ${best_rg} s, $(awk -v b="$bytes" -v s="$best_rg" 'BEGIN { printf "%.0f", b / s / 1e6 }') MB/s ($rg_lines matching lines)"
echo "scan: best of $RUNS ${best_scan} s, $(awk -v b="$bytes" -v s="$best_scan" 'BEGIN { printf "%.0f", b / s / 1e6 }') MB/s ($found distinct tokens in $places places; bytes_scanned $scanned)"
echo "rg, anchored on eyJ: best of $RUNS ${best_lit} s, $(awk -v b="$bytes" -v s="$best_lit" 'BEGIN { printf "%.0f", b / s / 1e6 }') MB/s"
awk -v r="$best_rg" -v s="$best_scan" 'BEGIN { printf "ratio scan/rg throughput: %.2f (target >= 0.80)\n", r / s }'
awk -v r="$best_lit" -v s="$best_scan" 'BEGIN { printf "ratio scan/rg anchored on eyJ: %.2f\n", r / s }'
