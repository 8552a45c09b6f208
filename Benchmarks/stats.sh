#!/usr/bin/env bash
# Statistics benchmark (issue 15): what the live statistics cost beside the JSON path, and their memory under
# hostile cardinality. Release build.
#
#   Benchmarks/stats.sh                 10,000,000 messages, 5,000,000 distinct names, 1,000,000 clients, 3 rounds
#   PAIRS=1000000 NAMES=500000 CLIENTS=100000 RUNS=1 Benchmarks/stats.sh
#
# The workload (Benchmarks/workloads.py stats, cached in .build-bench/): PAIRS query/response pairs over UDP,
# every pair's name drawn from NAMES random-subdomain names under 50 domains, clients from CLIENTS IPv4 and IPv6
# addresses; made as a capture and turned into a dnstap file by `sonde read --write-dnstap`.
# Each round sends the dnstap file with fsend (../shared/tools) to `sonde run --dnstap tcp://… -f json > /dev/null`
# three times: statistics off (`stats: {enabled: false}`), on (the defaults without the API: counters, estimates,
# latency, top names) and the full set (`stats.detail: true`, as with --api: every table, intervals, streams).
# messages per CPU-second = messages / (user + sys) of the whole process; peak RSS from /usr/bin/time.
# Target: statistics cost < 20% of the JSON path's throughput (on ≥ 0.8 × off), peak RSS < 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${PAIRS:-5000000}; names=${NAMES:-5000000}; clients=${CLIENTS:-1000000}; runs=${RUNS:-3}
out=.build-bench; st=$out/stats; mkdir -p "$st"
scratch=${SCRATCH_PATH:-.build-bench-release}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
flock -o /tmp/sonde-build.lock swift build -c release --product sonde --scratch-path "$scratch" >&2
sonde=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/sonde
[ -x "$out/fsend" ] || gcc -O2 -o "$out/fsend" ../shared/tools/fsend.c
pcap=$st/stats-$pairs-$names-$clients.pcap dnstap=${pcap%.pcap}.dnstap
[ -s "$pcap" ] || python3 Benchmarks/workloads.py stats "$pairs" "$names" "$clients" "$pcap" >&2
[ -s "$dnstap" ] || "$sonde" read "$pcap" --write-dnstap "$dnstap" --no-summary --no-progress >&2
messages=$((pairs * 2))
printf 'stats:\n  enabled: false\n' > "$st/off.yaml"
printf 'stats:\n  enabled: true\n' > "$st/on.yaml"
printf 'stats:\n  enabled: true\n  detail: true\n' > "$st/full.yaml"
port=$((20000 + RANDOM % 20000))
one() {  # off|on|full: prints "wall user sys maxrss_kib"
  port=$((port + 1))
  /usr/bin/time -o "$st/time.txt" -f '%e %U %S %M' "$sonde" run --config "$st/$1.yaml" --dnstap "tcp://127.0.0.1:$port" \
    -f json --summary-format json --stats-interval 0 > /dev/null 2> "$st/err.txt" &
  local timer=$!
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  "$out/fsend" 127.0.0.1 "$port" "$dnstap" > /dev/null
  local pid; pid=$(pgrep -P "$timer")
  # Done when the summary's writer has every event: poll the process's written count through its end-of-run line.
  sleep 0.5; kill -TERM "$pid"; wait "$timer" || true
  local events; events=$(grep -o '"events":[0-9]*' "$st/err.txt" | head -1 | cut -d: -f2)
  [ "$events" = "$messages" ] || { echo "$1: $events events of $messages" >&2; cat "$st/err.txt" >&2; exit 1; }
  cat "$st/time.txt"
}
rm -f "$st/rounds.tsv"
echo "## Statistics benchmark, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores"
echo
echo "$messages messages ($pairs pairs), $names distinct names, $clients clients; \`sonde run --dnstap tcp://… -f json > /dev/null\` fed by fsend"
echo
echo "| round | statistics | wall s | CPU s | messages/CPU-s | peak RSS |"
echo "|---|---|---|---|---|---|"
for r in $(seq "$runs"); do
  for v in off on full; do
    read -r wall user sys rss < <(one "$v")
    cpu=$(echo "$user + $sys" | bc -l)
    printf '| %s | %s | %s | %.2f | %.2f M | %d MiB |\n' "$r" "$v" "$wall" "$cpu" "$(echo "$messages / $cpu / 1000000" | bc -l)" "$((rss / 1024))"
    printf '%s\t%s\t%s\n' "$v" "$cpu" "$rss" >> "$st/rounds.tsv"
  done
done
python3 - "$st/rounds.tsv" "$messages" <<'PY'
import sys, statistics
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
n = int(sys.argv[2])
cpu = {v: statistics.median(float(c) for k, c, _ in rows if k == v) for v in ("off", "on", "full")}
rss = {v: max(int(m) for k, _, m in rows if k == v) // 1024 for v in ("off", "on", "full")}
print()
for v, what in (("on", "the default set (counters, estimates, latency, top names)"), ("full", "the full set (every table, intervals, streams: what the API, /metrics and statsd read)")):
    ratio = cpu["off"] / cpu[v]
    print(f"- {what}: {n / cpu[v] / 1e6:.2f} M messages/CPU-s against {n / cpu['off'] / 1e6:.2f} M off "
          f"(medians): {ratio:.2f}×, it costs {100 * (1 - ratio):.0f}% of the JSON path's throughput "
          f"— **{'HOLDS' if ratio >= 0.8 else 'FAILS'}** (target < 20%); peak RSS {rss[v]} MiB (off: {rss['off']} MiB) "
          f"— **{'HOLDS' if rss[v] < 150 else 'FAILS'}** (target < 150 MB)")
PY
rm -f "$st/rounds.tsv"
