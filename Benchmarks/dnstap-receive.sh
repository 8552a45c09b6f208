#!/usr/bin/env bash
# dnstap receive benchmark: a fast sender streams a generated dnstap file over TCP into `sonde run` (release
# build) writing JSON, and into the peers: fstrm_capture (receives and writes frames, decodes nothing: the
# no-decode limit) and dnstap-receiver (Python, PyPI).
#
#   Benchmarks/dnstap-receive.sh [PAIRS]     (default 1000000 query/response pairs = 2,000,000 messages)
#
# The sender is ../shared/tools/fsend.c (bidirectional handshake, the file's frames, STOP, waits for FINISH).
# For each receiver: CPU seconds (user+sys) and peak RSS of the receiver process over the whole stream, wall time
# of the transfer, and the events that came out. Measured runs write to /dev/null (on 2 cores a pipe reader beside
# sender and receiver distorts the figure), so the events out are Sonde's own count from its summary; one more run
# pipes the JSON into wc -l to show that every line is there.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-1000000}
tools=../shared/tools
out=.build-bench
mkdir -p "$out"
file="$out/gen-$pairs.dnstap"
small="$out/gen-50000.dnstap"
[ -s "$file" ] || python3 "$tools/gen_dnstap.py" "$pairs" -o "$file" --seed 1 >&2
[ -s "$small" ] || python3 "$tools/gen_dnstap.py" 50000 -o "$small" --seed 1 >&2
[ -x "$out/fsend" ] || gcc -O2 -o "$out/fsend" "$tools/fsend.c"
swift build -c release --product sonde >&2
sonde=$(swift build -c release --show-bin-path)/sonde
messages=$("$sonde" read --summary --summary-format json "$file" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dns_messages"])')
small_messages=$((50000 * 2))

port=$((30000 + RANDOM % 20000))
wait_port() { for _ in $(seq 200); do ss -ltn "sport = :$1" | grep -q LISTEN && return 0; sleep 0.05; done; return 1; }

report() {  # name, messages, transfer-seconds, time-file, events-out
  read -r _ user sys rss < "$4"
  python3 - "$1" "$2" "$3" "$user" "$sys" "$rss" "$5" <<'PY'
import sys
name, n, transfer, user, sys_, rss, events = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
cpu = user + sys_
def rate(v):
    return f"{v/1e6:.2f} M" if v >= 100_000 else f"{v/1e3:.1f} k"
print(f"| {name} | {n:,} | {events} | {rate(n/transfer)} | {rate(n/cpu)} | {cpu/(n/1e6):.3f} | {cpu:.2f} | {rss/1024:.0f} MiB |")
with open(".build-bench/rates.txt", "a") as f:
    f.write(f"{name}\t{n/cpu}\n")
PY
}

# One receiver run: start it under /usr/bin/time, send, stop it with a signal, report.
run() {  # name, messages, file, stop-signal, command...
  local name=$1 n=$2 f=$3 sig=$4; shift 4
  port=$((port + 1))
  local cmd=("${@//PORT/$port}")
  if [ "${COUNT_LINES:-0}" = 1 ]; then
    /usr/bin/time -o "$out/time.txt" -f '%e %U %S %M' "${cmd[@]}" 2>"$out/receiver.err" > >(wc -l > "$out/count.txt") &
  else
    echo "-" > "$out/count.txt"
    local sink=/dev/null
    [ "$name" = "${name#*summary}" ] || sink="$out/stdout.txt"
    rm -f "$out/stdout.txt"
    /usr/bin/time -o "$out/time.txt" -f '%e %U %S %M' "${cmd[@]}" 2>"$out/receiver.err" >"$sink" &
  fi
  local timer=$!
  local target=(127.0.0.1 "$port") arg
  for arg in "${cmd[@]}"; do [ "$arg" = "${arg#unix://}" ] || target=(unix "${arg#unix://}"); done
  if [ "${target[0]}" = unix ]; then
    for _ in $(seq 200); do [ -S "${target[1]}" ] && break; sleep 0.05; done
  else
    wait_port "$port" || { echo "$name did not listen" >&2; cat "$out/receiver.err" >&2; return 1; }
  fi
  local t0 t1
  t0=$(date +%s.%N)
  "$out/fsend" "${target[@]}" "$f" >/dev/null
  t1=$(date +%s.%N)
  sleep 0.5
  for child in $(pgrep -P "$timer"); do
    [ "$(cat "/proc/$child/comm" 2>/dev/null)" = wc ] || kill "-$sig" "$child" 2>/dev/null || true
  done
  wait "$timer" || true
  sleep 0.2
  local events
  events=$(cat "$out/count.txt")
  if [ "$name" != "${name#sonde}" ]; then
    events=$(cat "$out/receiver.err" "$out/stdout.txt" 2>/dev/null | grep -o '"dnstap":{[^}]*' | grep -o '"events":[0-9]*' | cut -d: -f2 | head -1 || true)
    if [ "${COUNT_LINES:-0}" = 1 ]; then events="$events ($(cat "$out/count.txt") JSON lines)"; fi
  fi
  report "$name" "$n" "$(echo "$t1 - $t0" | bc)" "$out/time.txt" "$events"
}

echo "dnstap file: $file ($(du -h "$file" | cut -f1)), $messages messages; sender: fsend"
echo
echo "| receiver | messages sent | events out | messages/s (transfer) | messages/CPU-s | CPU-s per M | CPU s | peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
: > "$out/rates.txt"
# This machine's speed drifts by tens of percent within minutes, so fstrm_capture runs between Sonde's runs and
# the verdict compares each Sonde run with the fstrm_capture runs beside it.
fstrm() {
  if command -v fstrm_capture >/dev/null; then
    run "fstrm_capture -w /dev/null (no decoding)" "$messages" "$file" INT \
      fstrm_capture -t protobuf:dnstap.Dnstap -a 127.0.0.1 -p PORT -w /dev/null
  fi
}
fstrm
for _ in 1 2 3; do
  run "sonde run -f json > /dev/null" "$messages" "$file" TERM \
    "$sonde" run --dnstap "tcp://127.0.0.1:PORT" -f json --summary-format json
  fstrm
done
COUNT_LINES=1 run "sonde run -f json | wc -l (count check)" "$messages" "$file" TERM \
  "$sonde" run --dnstap "tcp://127.0.0.1:PORT" -f json --summary-format json
run "sonde run --summary (no event output)" "$messages" "$file" TERM \
  "$sonde" run --dnstap "tcp://127.0.0.1:PORT" --summary --summary-format json
run "sonde run -f json, unix socket" "$messages" "$file" TERM \
  "$sonde" run --dnstap "unix://$PWD/$out/sonde-PORT.sock" -f json --summary-format json
command -v fstrm_capture >/dev/null || echo "fstrm_capture not installed (apt-get install fstrm-bin)"
if command -v dnstap_receiver >/dev/null; then
  COUNT_LINES=1 run "dnstap-receiver (Python; 100,000 messages; lines out)" "$small_messages" "$small" TERM \
    dnstap_receiver -l 127.0.0.1 -p PORT
else
  echo "dnstap-receiver not installed (pip install dnstap-receiver)"
fi

# The verdict: Sonde writing JSON against the no-decode limit measured beside it. The issue asks for 2,000,000
# messages per CPU-second where fstrm_capture does 3,300,000, that is 60% of it.
python3 - "$out/rates.txt" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
json_runs, ratios = [], []
for i, (name, rate) in enumerate(rows):
    if name.startswith("sonde run -f json > /dev/null"):
        near = [float(r) for n, r in rows[max(0, i - 1):i + 2] if n.startswith("fstrm_capture")]
        if near:
            json_runs.append(float(rate))
            ratios.append(float(rate) / statistics.mean(near))
if ratios:
    print()
    print(f"Sonde JSON over TCP: {statistics.median(json_runs) / 1e6:.2f} M messages per CPU-second (median of {len(json_runs)}), "
          f"{100 * statistics.median(ratios):.0f}% of fstrm_capture beside it (runs: {', '.join(f'{100 * r:.0f}%' for r in ratios)}); "
          f"the target is 60% (2.0 M where fstrm_capture does 3.3 M).")
PY
