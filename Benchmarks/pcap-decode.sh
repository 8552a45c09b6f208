#!/usr/bin/env bash
# Decode benchmark for `sonde read` (release build) beside tcpdump, on a generated capture.
#
#   Benchmarks/pcap-decode.sh [PAIRS]      (default 1000000 query/response pairs)
#
# Generates the capture once with ../shared/tools/gen_pcap.py (cached in .build-bench/), builds Sonde in release
# mode, then times each decoder three times and reports the best run: wall seconds, CPU seconds (user+sys),
# messages per second, messages per CPU-second, CPU seconds per million messages and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-1000000}
tools=../shared/tools
out=.build-bench
mkdir -p "$out"
capture="$out/gen-$pairs.pcap"
if [ ! -s "$capture" ]; then
  [ -f "$tools/gen_pcap.py" ] || { echo "needs $tools/gen_pcap.py (the shared workload tools)" >&2; exit 1; }
  echo "generating $capture ($pairs pairs)..." >&2
  python3 "$tools/gen_pcap.py" "$pairs" -o "$capture" --seed 1 >&2
fi
swift build -c release --product sonde >&2
sonde=$(swift build -c release --show-bin-path)/sonde
messages=$("$sonde" read --summary --summary-format json --no-progress "$capture" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dns_messages"])')

measure() {  # name, command...
  local name=$1; shift
  local best="" line
  for _ in 1 2 3; do
    /usr/bin/time -o "$out/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>/dev/null
    line=$(tail -1 "$out/time.txt")
    best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF==4 {print ($2+$3), $0}' | sort -n | head -1 | cut -d' ' -f2-)
  done
  read -r wall user sys rss <<<"$best"
  python3 - "$name" "$messages" "$wall" "$user" "$sys" "$rss" <<'PY'
import sys
name, n, wall, user, sys_, rss = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6])
cpu = user + sys_
print(f"| {name} | {n/wall/1e6:.2f} M | {n/cpu/1e6:.2f} M | {cpu/(n/1e6):.3f} | {wall:.2f} | {cpu:.2f} | {rss/1024:.0f} MiB |")
PY
}

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
echo "capture: $capture ($(du -h "$capture" | cut -f1)), $messages DNS messages"
echo
echo "| run | messages/s | messages/CPU-s | CPU-s per M | wall s | CPU s | peak RSS |"
echo "|---|---|---|---|---|---|---|"
measure "sonde read --format json" "$sonde" read --format json --no-summary --no-progress "$capture"
measure "sonde read --format text" "$sonde" read --format text --no-summary --no-progress "$capture"
measure "sonde read --summary" "$sonde" read --summary --no-progress "$capture"
measure "sonde --no-matching (json)" "$sonde" read --format json --no-summary --no-progress --no-matching "$capture"

# Reassembly: the same traffic with every 10th IPv4 UDP response cut into 128-byte IP fragments (3% of pairs are
# already TCP), with and without reassembly.
fragmented="$out/gen-$pairs-frag.pcap"
[ -s "$fragmented" ] || python3 Benchmarks/workloads.py fragment "$capture" "$fragmented" --every 10 >&2
echo "| (reassembly workload: $(basename "$fragmented"), every 10th IPv4 UDP response in 128-byte fragments) | | | | | | |"
measure "json, reassembly on" "$sonde" read --format json --no-summary --no-progress "$fragmented"
measure "json, --no-reassembly" "$sonde" read --format json --no-summary --no-progress --no-reassembly "$fragmented"
measure "summary, reassembly on" "$sonde" read --summary --no-progress "$fragmented"
measure "summary, --no-reassembly" "$sonde" read --summary --no-progress --no-reassembly "$fragmented"

# Memory under a flood that never completes: 200,000 half-open TCP flows each holding half a message, and
# 200,000 fragment trains without their last fragment. Peak RSS must stay bounded by the reassembly limits.
flood="$out/flood.pcap"
[ -s "$flood" ] || python3 Benchmarks/workloads.py flood "$flood" >&2
/usr/bin/time -f '%M' -o "$out/flood.rss" "$sonde" read --summary --no-progress "$flood" >/dev/null
echo
echo "flood (200,000 half-open TCP flows + 200,000 open fragment trains): peak RSS $(( $(cat "$out/flood.rss") / 1024 )) MiB"

if command -v tcpdump >/dev/null; then
  measure "tcpdump -n -r (same file)" tcpdump -n -r "$capture"
else
  echo "tcpdump not installed (apt-get install tcpdump) - no comparison"
fi
