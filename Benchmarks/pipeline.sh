#!/usr/bin/env bash
# Pipeline benchmark: what each filter and transform, the three-output chain and a million-entry domain list cost
# beside the bare JSON path, and whether two dnstap connections use both cores. Release build.
#
#   Benchmarks/pipeline.sh                       everything (about 25 minutes on the 2-core machine)
#   ONLY=transforms,chain,domains,tcp RUNS=3 TCP_RUNS=5 PAIRS=1000000 Benchmarks/pipeline.sh
#
# Inputs (cached in .build-bench/): ../shared/tools/gen_pcap.py and gen_dnstap.py with PAIRS query/response pairs
# (2 × PAIRS messages), read with `sonde read`; the same traffic with public client addresses (so GeoIP finds
# them; Benchmarks/workloads.py public), and once more with 200,000 clients instead of 5,000 (so the per-producer
# caches of GeoIP and Crypto-PAn miss). Every run writes JSON to /dev/null unless it says otherwise.
#
# Each variant is a configuration file (.build-bench/pipeline/*.yaml) with one output and the transform under
# test in that output's own list. A group runs the bare JSON path and its variants in turn, RUNS times
# (bare, variant, bare, variant, ...), after one untimed run of each that checks what comes out (the summary's
# output counters) and warms the page cache. Figures are medians; a variant's cost is measured against the bare
# runs of its own group, and the CPU a configuration takes to start (lists, databases: measured on an empty
# capture) is reported apart and left out of the per-event cost. messages per CPU-second = messages / (user +
# sys) of the whole process, all threads (the compression thread included), from /usr/bin/time.
#
# Targets (a verdict line each):
#   2. the three-output chain costs less than 30% of the bare JSON path: its messages/CPU-s ≥ 0.7 × bare's;
#   3. a 1,000,000-entry domain list costs the same per event as a 10-entry one (within 10%, median to median);
#   4. two dnstap connections use both cores: ≥ 1.6 × the wall-clock rate of one.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${PAIRS:-1000000}
runs=${RUNS:-3}
only=${ONLY:-transforms,domains,chain,tcp}
tools=../shared/tools
out=.build-bench
pl=$out/pipeline
scratch=${SCRATCH_PATH:-.build-bench-release}
mkdir -p "$pl/checks"
wants() { [[ ",$only," == *",$1,"* ]]; }

need() { command -v "$1" >/dev/null || { echo "needs $1 ($2)" >&2; exit 1; }; }
need /usr/bin/time "apt-get install time"
need fstrm_capture "apt-get install fstrm-bin"
need gcc "apt-get install gcc"
psl=/usr/share/publicsuffix/public_suffix_list.dat
[ -s "$psl" ] || { echo "needs $psl (apt-get install publicsuffix)" >&2; exit 1; }
geodb=$(python3 -c 'import os, _maxminddb_geolite2 as m; print(os.path.join(os.path.dirname(m.__file__), "GeoLite2-City.mmdb"))' 2>/dev/null) \
  || { echo "needs GeoLite2-City.mmdb (pip install maxminddb-geolite2)" >&2; exit 1; }

# The build goes through the shared lock: other people build on this machine too.
flock -o /tmp/sonde-build.lock swift build -c release --product sonde --scratch-path "$scratch" >&2
sonde=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/sonde
[ -x "$out/fsend" ] || gcc -O2 -o "$out/fsend" "$tools/fsend.c"

# Inputs.
declare -A file
file[pcap]=$out/gen-$pairs.pcap
file[dnstap]=$out/gen-$pairs.dnstap
file[public-pcap]=$pl/public-$pairs.pcap
file[public-dnstap]=$pl/public-$pairs.dnstap
file[public200k-pcap]=$pl/public-200k-$pairs.pcap
file[empty]=$pl/empty.pcap
[ -s "${file[pcap]}" ] || python3 "$tools/gen_pcap.py" "$pairs" -o "${file[pcap]}" --seed 1 >&2
[ -s "${file[dnstap]}" ] || python3 "$tools/gen_dnstap.py" "$pairs" -o "${file[dnstap]}" --seed 1 >&2
[ -s "${file[public-pcap]}" ] || python3 Benchmarks/workloads.py public pcap "$pairs" "${file[public-pcap]}" >&2
[ -s "${file[public-dnstap]}" ] || python3 Benchmarks/workloads.py public dnstap "$pairs" "${file[public-dnstap]}" >&2
[ -s "${file[public200k-pcap]}" ] || python3 Benchmarks/workloads.py public pcap "$pairs" "${file[public200k-pcap]}" --clients 200000 >&2
[ -s "${file[empty]}" ] || python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<IHHiIII",0xA1B2C3D4,2,4,0,0,65535,1))' "${file[empty]}"
[ -s "$pl/domains-allow-1000000.txt" ] || python3 Benchmarks/workloads.py domains "$pl/domains" >&2
[ -s "$pl/cryptopan.key" ] || printf '%s' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > "$pl/cryptopan.key"
[ -s "$pl/hash.key" ] || printf '%s' 5b3c9a1f0e7d2c4b8a6f1e0d3c2b1a09 > "$pl/hash.key"
messages() { "$sonde" read --summary --summary-format json --no-progress "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dns_messages"])'; }

# Configurations: `cfg NAME` takes the YAML of the outputs on standard input.
cfg() { { echo "outputs:"; cat; } > "$pl/$1.yaml"; }
json_with() {  # NAME, then the output's transforms (YAML list items, indented by 6)
  local name=$1; shift
  { printf '  - kind: stdout\n    format: json\n    transforms:\n'; printf '%s\n' "$@"; } | cfg "$name"
}
printf '  - kind: stdout\n    format: json\n' | cfg bare
json_with where '      - kind: filter' \
  '        where: "rcode = NOERROR, NXDOMAIN, SERVFAIL, REFUSED and not client = 10.0.0.0/8, 172.16.0.0/12 and qname_length < 250 and labels < 20"'
json_with regex '      - kind: filter' "        qname_regex: '(^|\\.)[a-z0-9-]{30,}\\.'" '        drop: true'
json_with allow10 '      - kind: domains' "        allow: [$PWD/$pl/domains-allow-10.txt]"
json_with allow1m '      - kind: domains' "        allow: [$PWD/$pl/domains-allow-1000000.txt]"
json_with skip10 '      - kind: domains' "        skip: [$PWD/$pl/domains-skip-10.txt]"
json_with skip1m '      - kind: domains' "        skip: [$PWD/$pl/domains-skip-1000000.txt]"
json_with sample '      - kind: sample' '        rate: "1:100"'
json_with flow '      - kind: sample' '        rate: "1:100"' '        flow: true'
json_with tags '      - kind: tags' '        tags: {site: par1, role: resolver}'
json_with suspicious '      - kind: suspicious'
json_with mask '      - kind: privacy' '        mode: mask'
json_with hash '      - kind: privacy' '        mode: hash' "        key_file: $PWD/$pl/hash.key"
json_with cryptopan '      - kind: privacy' '        mode: cryptopan' "        key_file: $PWD/$pl/cryptopan.key"
json_with normalize '      - kind: normalize' "        public_suffix_list: $psl"
json_with geoip '      - kind: geoip' "        database: $geodb"
printf '  - kind: stdout\n    format: json\n    fields: [time, src_ip, qname, qtype, rcode]\n' | cfg fields
printf '  - kind: stdout\n    format: json\n    flat: true\n' | cfg flat
printf '  - kind: stdout\n    format: template\n    template: "{time} {src_ip} {qname} {qtype} {rcode}"\n' | cfg template

# The chain of the issue: (a) everything as JSON to a rotating, compressed file; (b) allow-listed names as text
# to standard output (> /dev/null); (c) GeoIP-enriched, then Crypto-PAn-masked events, selected fields, to a
# second file. GeoIP runs before Crypto-PAn so that it looks up the real addresses.
chain_dir=$PWD/$pl/chain
chain_a() {  # compress
  # keep: 0 (all): with `keep`, files still waiting for the compressor are pruned under it when rotation outpaces
  # compression (as it does here, a rotation every ~0.3 s), which logs errors and leaves less to compress.
  printf '  - kind: file\n    path: %s/all.jsonl\n    format: json\n    max_size: 100M\n    keep: 0\n    compress: %s\n' "$chain_dir" "$1"
}
chain_b() {
  printf '  - kind: stdout\n    format: text\n    transforms:\n      - kind: domains\n        allow: [%s]\n' "$PWD/$pl/domains-allow-10.txt"
}
chain_c() {
  printf '  - kind: file\n    path: %s/private.jsonl\n    format: json\n    fields: [time, src_ip, dst_ip, qname, qtype, rcode, geo]\n' "$chain_dir"
  printf '    transforms:\n      - kind: geoip\n        database: %s\n      - kind: privacy\n        mode: cryptopan\n        key_file: %s\n' \
    "$geodb" "$PWD/$pl/cryptopan.key"
}
{ chain_a gzip; chain_b; chain_c; } | cfg chain
{ chain_a none; chain_b; chain_c; } | cfg chain-plain
{ chain_a zstd; chain_b; chain_c; } | cfg chain-zstd
chain_a gzip | cfg chain-a
chain_b | cfg chain-b
chain_c | cfg chain-c

: > "$pl/runs.tsv"
: > "$pl/startup.tsv"
: > "$pl/groups.tsv"
: > "$pl/tcp.tsv"
declare -A startup_done
gid=0

fresh() { rm -rf "$chain_dir"; mkdir -p "$chain_dir"; }
sonde_read() {  # input, config, extra flags...: the command line of one `sonde read`
  local input=$1 config=$2; shift 2
  echo "$sonde" read --config "$pl/$config.yaml" --no-progress "$@" "${file[$input]}"
}

timed() {  # section, input, config, round
  local load
  read -r load _ < /proc/loadavg
  fresh
  # shellcheck disable=SC2046  # the paths have no spaces (checked below)
  if ! /usr/bin/time -o "$pl/time.txt" -f '%e %U %S %M' $(sonde_read "$2" "$3" --no-summary) > /dev/null 2>"$pl/err.txt"; then
    echo "run failed: $3 on $2" >&2
    cat "$pl/err.txt" >&2
    exit 1
  fi
  read -r wall user sys rss < <(tail -1 "$pl/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$gid" "$1" "$2" "$3" "$4" "$wall" "$user" "$sys" "$rss" "$load" >> "$pl/runs.tsv"
}

# One group: an untimed check of each configuration (summary counters, JSON), then RUNS rounds of bare and each
# variant in turn, then the start-up cost of each configuration on an empty capture (once per configuration).
group() {  # section, input, variants...
  local section=$1 input=$2; shift 2
  gid=$((gid + 1))
  printf '%s\t%s\t%s\t%s\n' "$gid" "$section" "$input" "$*" >> "$pl/groups.tsv"
  local v r
  for v in bare "$@"; do
    fresh
    $(sonde_read "$input" "$v" --summary-format json) > /dev/null 2> "$pl/checks/$input-$v.json"
  done
  for r in $(seq "$runs"); do
    for v in bare "$@"; do timed "$section" "$input" "$v" "$r"; done
  done
  for v in bare "$@"; do
    [ -z "${startup_done[$v]:-}" ] || continue
    startup_done[$v]=1
    for r in $(seq "$runs"); do
      fresh
      /usr/bin/time -o "$pl/time.txt" -f '%e %U %S %M' $(sonde_read empty "$v" --no-summary) > /dev/null 2>/dev/null
      read -r wall user sys rss < <(tail -1 "$pl/time.txt")
      printf '%s\t%s\t%s\t%s\n' "$v" "$user" "$sys" "$rss" >> "$pl/startup.tsv"
    done
  done
  rm -rf "$chain_dir"
  echo "  done: $section $input: $*" >&2
}

# dnstap over TCP: sonde run (or fstrm_capture) fed by one or two fsend processes at once, each sending the whole
# file. The wall time is from the first event written to the last (procwatch below, from the receiver's
# write count), the rate events / that time.
# procwatch PID STOPFILE OUT.json: every 10 ms it reads the receiver's write count (/proc/PID/io wchar, bytes
# written, /dev/null included) and notes the first and the last time it grew; every 100 ms, and once more when
# STOPFILE appears, each thread's name and CPU time (/proc/PID/task/*/stat), so the threads that did the work are
# known before the receiver is stopped. Exits when STOPFILE appears or the process ends.
procwatch=$(cat <<'PY'
import json
import os
import sys
import time

pid, stopfile, outfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tick = os.sysconf("SC_CLK_TCK")


def wchar():
    try:
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                if line.startswith("wchar:"):
                    return int(line.split()[1])
    except OSError:
        return None


def threads():
    seen = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            name = s[s.index("(") + 1:s.rindex(")")]
            fields = s[s.rindex(")") + 2:].split()
            # Fields 14 and 15 of stat (utime, stime), counted from the state field, which is field 3.
            seen[tid] = {"name": name, "cpu": (int(fields[11]) + int(fields[12])) / tick}
    except OSError:
        pass
    return seen


base = wchar()
first = last = None
previous = base
snapshot = threads()
next_snapshot = time.monotonic() + 0.1
while True:
    now = time.monotonic()
    w = wchar()
    if w is None:
        break
    if previous is not None and w > previous:
        if first is None:
            first = now
        last = now
    previous = w
    if now >= next_snapshot:
        snapshot = threads() or snapshot
        next_snapshot = now + 0.1
    if os.path.exists(stopfile):
        snapshot = threads() or snapshot
        break
    time.sleep(0.01)

with open(outfile, "w") as f:
    json.dump({"first": first, "last": last, "bytes": (previous or 0) - (base or 0),
               "threads": sorted(snapshot.values(), key=lambda t: -t["cpu"])}, f)
PY
)
tcp_port=$((30000 + RANDOM % 20000))
# CPU time the whole machine has spent busy (user, nice, system, irq, softirq, steal), in clock ticks.
busy() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
wait_port() { for _ in $(seq 200); do ss -ltn "sport = :$1" | grep -q LISTEN && return 0; sleep 0.05; done; return 1; }
tcp_run() {  # receiver (sonde | fstrm | fstrm-each), senders
  local receiver=$1 senders=$2 i
  tcp_port=$((tcp_port + 2))
  local ports=("$tcp_port" "$tcp_port") timers=() pids=()
  case $receiver in
    sonde)
      /usr/bin/time -o "$pl/tcp-time-0.txt" -f '%e %U %S %M' "$sonde" run --dnstap "tcp://127.0.0.1:$tcp_port" -f json \
        --summary-format json --stats-interval 0 > /dev/null 2> "$pl/tcp-err.txt" &
      timers+=($!) ;;
    fstrm)
      /usr/bin/time -o "$pl/tcp-time-0.txt" -f '%e %U %S %M' fstrm_capture -t protobuf:dnstap.Dnstap -a 127.0.0.1 \
        -p "$tcp_port" -w /dev/null > /dev/null 2>&1 &
      timers+=($!) ;;
    fstrm-each)
      ports=("$tcp_port" "$((tcp_port + 1))")
      for i in 0 1; do
        /usr/bin/time -o "$pl/tcp-time-$i.txt" -f '%e %U %S %M' fstrm_capture -t protobuf:dnstap.Dnstap -a 127.0.0.1 \
          -p "${ports[$i]}" -w /dev/null > /dev/null 2>&1 &
        timers+=($!)
      done ;;
  esac
  for i in "${!timers[@]}"; do
    wait_port "${ports[$i]}" || { echo "$receiver did not listen" >&2; cat "$pl/tcp-err.txt" >&2; exit 1; }
    pids+=("$(pgrep -P "${timers[$i]}")")
  done
  rm -f "$pl/stop"
  python3 -c "$procwatch" "${pids[0]}" "$pl/stop" "$pl/watch.json" &
  local watcher=$! t0 t1
  sleep 0.2
  local busy0 busy1
  busy0=$(busy)
  t0=$(date +%s.%N)
  local senders_pids=()
  for i in $(seq 0 $((senders - 1))); do
    /usr/bin/time -o "$pl/fsend-$i.txt" -f '%e %U %S' "$out/fsend" 127.0.0.1 "${ports[$((i % ${#ports[@]}))]}" "${file[dnstap]}" \
      > /dev/null 2>&1 &
    senders_pids+=($!)
  done
  for i in "${senders_pids[@]}"; do wait "$i"; done
  t1=$(date +%s.%N)
  busy1=$(busy)
  sleep 0.5
  touch "$pl/stop"
  wait "$watcher"
  local sig=TERM
  [ "$receiver" = sonde ] || sig=INT
  for i in "${pids[@]}"; do kill "-$sig" "$i" 2>/dev/null || true; done
  for i in "${timers[@]}"; do wait "$i" || true; done
  local events=-
  if [ "$receiver" = sonde ]; then
    events=$(grep -o '"dnstap":{[^}]*' "$pl/tcp-err.txt" | grep -o '"events":[0-9]*' | cut -d: -f2 | head -1)
  fi
  local cpu=0 sender_cpu=0 f
  for f in "$pl"/tcp-time-*.txt; do cpu=$(awk -v c="$cpu" 'NF==4 {c += $2 + $3} END {print c}' "$f"); done
  for i in $(seq 0 $((senders - 1))); do sender_cpu=$(awk -v c="$sender_cpu" 'NF==3 {c += $2 + $3} END {print c}' "$pl/fsend-$i.txt"); done
  rm -f "$pl"/tcp-time-*.txt
  python3 - "$receiver" "$senders" "$events" "$t0" "$t1" "$cpu" "$sender_cpu" "$pl/watch.json" "$busy0" "$busy1" "$(getconf CLK_TCK)" \
    >> "$pl/tcp.tsv" <<'PY'
import json, sys
receiver, senders, events, t0, t1, cpu, sender_cpu, watch, busy0, busy1, tick = sys.argv[1:]
w = json.load(open(watch))
span = (w["last"] - w["first"]) if w["first"] is not None and w["last"] is not None else 0
threads = ", ".join(f'{t["name"]} {t["cpu"]:.2f}' for t in w["threads"] if t["cpu"] >= 0.05)
machine = (int(busy1) - int(busy0)) / int(tick)  # CPU-s the whole machine was busy during the transfer
print("\t".join([receiver, senders, events, f"{float(t1) - float(t0):.3f}", f"{span:.3f}", cpu, sender_cpu, threads,
                 f"{machine:.2f}"]))
PY
}

[[ "$PWD$sonde" != *" "* ]] || { echo "the paths must not contain spaces" >&2; exit 1; }

for input in pcap dnstap public-pcap public-dnstap public200k-pcap; do
  printf '%s\t%s\t%s\t%s\n' "$input" "${file[$input]}" "$(messages "${file[$input]}")" "$(du -h "${file[$input]}" | cut -f1)"
done > "$pl/inputs.tsv"

if wants transforms; then
  for input in pcap dnstap; do
    for v in where regex sample flow tags suspicious mask hash cryptopan normalize fields flat template; do
      group transforms "$input" "$v"
    done
  done
  group transforms public-pcap geoip
  group transforms public-dnstap geoip
  group transforms public200k-pcap geoip cryptopan
fi
if wants domains; then
  for input in pcap dnstap; do
    group domains "$input" allow10 allow1m
    group domains "$input" skip10 skip1m
  done
fi
if wants chain; then
  group chain public-pcap chain
  group chain public-pcap chain-plain chain-zstd
  group chain public-pcap chain-a chain-b chain-c
  group chain public-dnstap chain
fi
if wants tcp; then
  # Each round: Sonde with one and two connections, fstrm_capture with the same senders (one process taking both
  # connections: it is single-threaded), and two fstrm_capture processes, one per sender: what the two senders
  # can push through this machine when the receivers do nothing.
  for r in $(seq "${TCP_RUNS:-5}"); do
    tcp_run sonde 1
    tcp_run sonde 2
    tcp_run fstrm 1
    tcp_run fstrm 2
    tcp_run fstrm-each 2
    echo "  done: tcp round $r" >&2
  done
fi

# The report: Markdown tables and the verdicts, also kept in .build-bench/pipeline/report.md.
python3 - "$pl" "$(nproc)" <<'PY' | tee "$pl/report.md"
import collections, json, os, statistics, sys, time

pl, cores = sys.argv[1], int(sys.argv[2])
med = statistics.median


def rows(name):
    path = os.path.join(pl, name)
    if not os.path.exists(path):
        return []
    return [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]


inputs = {r[0]: {"path": r[1], "messages": int(r[2]), "size": r[3]} for r in rows("inputs.tsv")}
groups = [(int(g), sec, inp, vs.split()) for g, sec, inp, vs in rows("groups.tsv")]
runs = collections.defaultdict(list)  # (gid, config) -> [(round, cpu, wall, rss, load)]
loads = []
for gid, sec, inp, config, rnd, wall, user, sys_, rss, load in rows("runs.tsv"):
    runs[(int(gid), config)].append((int(rnd), float(user) + float(sys_), float(wall), int(rss), float(load)))
    loads.append(float(load))
startup = collections.defaultdict(list)
for config, user, sys_, rss in rows("startup.tsv"):
    startup[config].append(float(user) + float(sys_))
startup = {k: med(v) for k, v in startup.items()}

LABELS = {
    "bare": "bare JSON path (stdout json > /dev/null)",
    "where": "filter `where` (4 tests: rcode list, not client in 2 networks, qname_length, labels; keeps all)",
    "regex": "filter `qname_regex: '(^|\\.)[a-z0-9-]{30,}\\.'`, `drop: true` (scans every name; keeps all)",
    "allow10": "domains allow, 10 entries (5 names, 5 `*.` rules)",
    "allow1m": "domains allow, 1,000,000 entries (the same 10 + 999,990 that match nothing)",
    "skip10": "domains skip, 10 entries matching nothing (every event written)",
    "skip1m": "domains skip, 1,000,000 entries matching nothing (every event written)",
    "sample": "sample 1:100",
    "flow": "sample 1:100, flow: true",
    "tags": "tags (2)",
    "suspicious": "suspicious (defaults)",
    "mask": "privacy mask (/24, /48)",
    "hash": "privacy hash (HMAC-SHA256)",
    "cryptopan": "privacy cryptopan",
    "normalize": "normalize (public suffix list)",
    "geoip": "geoip (GeoLite2-City 2018)",
    "fields": "fields: [time, src_ip, qname, qtype, rcode]",
    "flat": "flat: true",
    "template": "template \"{time} {src_ip} {qname} {qtype} {rcode}\"",
    "chain": "**the chain**: (a) JSON to a file rotated at 100M, gzip; (b) allow-listed names, text, stdout; (c) geoip → cryptopan, 7 fields, to a file",
    "chain-plain": "the chain, (a) not compressed",
    "chain-zstd": "the chain, (a) compressed with zstd",
    "chain-a": "(a) alone: JSON to a file rotated at 100M, gzip",
    "chain-b": "(b) alone: domains allow (10) → text on stdout",
    "chain-c": "(c) alone: geoip → cryptopan → 7 JSON fields to a file",
}
INPUTS = {
    "pcap": "capture (gen_pcap.py)",
    "dnstap": "dnstap file (gen_dnstap.py)",
    "public-pcap": "capture, public client addresses (5,000 clients)",
    "public-dnstap": "dnstap file, public client addresses (5,000 clients)",
    "public200k-pcap": "capture, public client addresses, 200,000 clients",
}


def written(inp, config):
    try:
        # The summary is the last line; log lines (warnings) may come before it.
        lines = [l for l in open(os.path.join(pl, "checks", f"{inp}-{config}.json")) if l.startswith("{")]
        s = json.loads(lines[-1])
    except (OSError, ValueError, IndexError):
        return "?"
    outs = s.get("outputs") or []
    parts = []
    for o in outs:
        w = o.get("written", 0)
        parts.append(f"{w:,}")
    return " / ".join(parts) if parts else "?"


def m(v):
    return f"{v / 1e6:.2f} M"


def spread(xs):
    return (max(xs) - min(xs)) / med(xs) if xs else 0.0


def stats(gid, config, n):
    rs = sorted(runs[(gid, config)])
    cpu = [r[1] for r in rs]
    return {"rounds": [r[0] for r in rs], "cpu": cpu, "rate": [n / c for c in cpu], "rss": max(r[3] for r in rs),
            "med_cpu": med(cpu)}


print(f"## Pipeline benchmark, {time.strftime('%Y-%m-%d %H:%M')} (machine time), {cores} cores")
print()
for k, v in inputs.items():
    print(f"- `{k}`: {INPUTS.get(k, k)}, {v['path']} ({v['size']}), {v['messages']:,} messages")
print()

# Noise: every bare run, per input.
bare_by_input = collections.defaultdict(list)
group_spreads = []
for gid, sec, inp, vs in groups:
    n = inputs[inp]["messages"]
    if (gid, "bare") in runs:
        s = stats(gid, "bare", n)
        bare_by_input[inp] += s["rate"]
        group_spreads.append(spread(s["cpu"]))

verdicts = []
for section, title in [("transforms", "1. Each filter and transform alone, one output, JSON to /dev/null"),
                       ("domains", "3. Domain lists: 10 entries against 1,000,000"),
                       ("chain", "2. The three-output chain against the bare JSON path")]:
    gs = [g for g in groups if g[1] == section]
    if not gs:
        continue
    print(f"### {title}")
    print()
    print("`sonde read --config X.yaml --no-summary --no-progress FILE > /dev/null`; medians of the rounds; each variant "
          "against the bare runs of its own group (bare, variant, bare, variant, ...). *cost per M* = the variant's "
          "CPU-s per million messages minus the bare path's, start-up (lists, databases) left out.")
    print()
    print("| input | variant | events written | messages/CPU-s (bare → variant) | CPU-s per M (bare → variant) | "
          "throughput vs bare (per-round ratios) | cost per M | start-up CPU-s | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for gid, sec, inp, vs in gs:
        n = inputs[inp]["messages"]
        b = stats(gid, "bare", n)
        for v in vs:
            s = stats(gid, v, n)
            ratios = [bc / vc for bc, vc in zip(b["cpu"], s["cpu"])]
            per_m = lambda c: c / (n / 1e6)
            cost = per_m((s["med_cpu"] - startup.get(v, 0)) - (b["med_cpu"] - startup.get("bare", 0)))
            print(f"| {inp} | {LABELS.get(v, v)} | {written(inp, v)} | {m(med(b['rate']))} → {m(med(s['rate']))} | "
                  f"{per_m(b['med_cpu']):.3f} → {per_m(s['med_cpu']):.3f} | {med(ratios):.2f}× "
                  f"({', '.join(f'{r:.2f}' for r in ratios)}) | {cost:+.3f} | {startup.get(v, 0):.2f} | {s['rss'] // 1024} MiB |")
            if v == "chain":
                ok = med(ratios) >= 0.7
                verdicts.append(
                    f"**Target 2 (chain ≥ 0.7 × bare), {inp}: {'HOLDS' if ok else 'FAILS'}** — the chain does "
                    f"{m(med(s['rate']))} messages/CPU-s against {m(med(b['rate']))} for the bare JSON path beside it, "
                    f"{med(ratios):.2f}× (rounds: {', '.join(f'{r:.2f}' for r in ratios)}); it costs "
                    f"{100 * (1 - med(ratios)):.0f}% of the bare path's throughput (allowed: 30%).")
        if sec == "domains" and len(vs) == 2:
            a, c = stats(gid, vs[0], n), stats(gid, vs[1], n)
            # Per event: the start-up (reading the list) left out.
            net = lambda x, v: max(x - startup.get(v, 0), 1e-3)
            ra = [n / net(x, vs[0]) for x in a["cpu"]]
            rc = [n / net(x, vs[1]) for x in c["cpu"]]
            delta = med(rc) / med(ra) - 1
            pair = [net(x, vs[0]) / net(y, vs[1]) - 1 for x, y in zip(a["cpu"], c["cpu"])]
            ok = abs(delta) <= 0.10
            verdicts.append(
                f"**Target 3 ({'allow' if 'allow' in vs[0] else 'skip'} lists, {inp}): {'HOLDS' if ok else 'FAILS'}** — "
                f"per event (start-up left out: {startup.get(vs[0], 0):.2f} and {startup.get(vs[1], 0):.2f} CPU-s), "
                f"1,000,000 entries do {m(med(rc))} messages/CPU-s against {m(med(ra))} with 10, {100 * delta:+.1f}% "
                f"median to median (rounds: {', '.join(f'{100 * p:+.1f}%' for p in pair)}); noise in that group: "
                f"the bare runs spread {100 * spread(b['cpu']):.0f}%, the 10-entry runs {100 * spread(a['cpu']):.0f}%, "
                f"the 1,000,000-entry runs {100 * spread(c['cpu']):.0f}% (max − min over median).")
    print()

# dnstap over TCP.
tcp = rows("tcp.tsv")
if tcp:
    print("### 4. dnstap over TCP: one connection against two")
    print()
    print("`sonde run --dnstap tcp://127.0.0.1:PORT -f json --stats-interval 0 > /dev/null`, fed by `fsend` (each "
          "sender the whole dnstap file); fstrm_capture `-w /dev/null` with the same senders as the ceiling. Wall time: "
          "from the first event written to the last (the receiver's write count, sampled every 10 ms); *transfer*: "
          "the senders' start to the last sender's end.")
    print()
    print("| receiver | senders | events out | first → last event | messages/s | messages/s (transfer) | receiver CPU-s | "
          "receiver cores | senders' cores | other load (cores) | threads (CPU-s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    per = collections.defaultdict(list)
    n1 = inputs["dnstap"]["messages"]
    for receiver, senders, events, transfer, span, cpu, scpu, threads, machine in tcp:
        senders = int(senders)
        ev = int(events) if events not in ("-", "") else n1 * senders
        span, transfer, cpu, scpu, machine = float(span), float(transfer), float(cpu), float(scpu), float(machine)
        wall = span if span > 0 and receiver != "fstrm-each" else transfer
        # What else ran on the machine meanwhile: its busy time less the receiver's and the senders' (the receiver's
        # CPU is over its whole life, which outside the transfer is a few hundredths of a second).
        others = max(machine - cpu - scpu, 0) / transfer
        name = {"sonde": "sonde run -f json", "fstrm": "fstrm_capture (one process)",
                "fstrm-each": "fstrm_capture, one process per sender"}[receiver]
        per[(receiver, senders)].append({"rate": ev / wall, "transfer": ev / transfer, "cpu": cpu, "cores": cpu / wall,
                                         "scpu": scpu, "scores": scpu / wall, "threads": threads, "ev": ev,
                                         "cpu_per_m": cpu / (ev / 1e6), "s_per_m": scpu / (ev / 1e6), "others": others})
        print(f"| {name} | {senders} | {f'{ev:,}' if events not in ('-', '') else f'({ev:,} sent)'} | {span:.2f} s | "
              f"{m(ev / wall)} | {m(ev / transfer)} | {cpu:.2f} | {cpu / wall:.2f} | {scpu / wall:.2f} | {others:.2f} | {threads} |")
    print()

    def mr(key, field="rate"):
        xs = [x[field] for x in per.get(key, [])]
        return med(xs) if xs else float("nan")

    one, two = mr(("sonde", 1)), mr(("sonde", 2))
    f1, f2, fe = mr(("fstrm", 1)), mr(("fstrm", 2)), mr(("fstrm-each", 2))
    ratio = two / one
    loops = []
    for x in per.get(("sonde", 2), []):
        elt = sorted((float(t.rsplit(" ", 1)[1]) for t in x["threads"].split(", ") if t.startswith("NIO-ELT")), reverse=True)
        loops.append(len([c for c in elt if elt and c >= 0.25 * elt[0]]))
    sc1, sc2 = mr(("sonde", 1), "cores"), mr(("sonde", 2), "cores")
    ss2 = mr(("sonde", 2), "scores")
    oth1, oth2 = mr(("sonde", 1), "others"), mr(("sonde", 2), "others")
    cs2, cf2 = mr(("sonde", 2), "cpu_per_m") / 1e6, mr(("sonde", 2), "s_per_m") / 1e6
    loop = max(mr(("sonde", 1), "cpu_per_m") / 1e6, 1e-12)
    # On an idle machine: two loops, each at most one core, and the senders' CPU out of the same cores.
    projected = min(cores / (cs2 + cf2), 2 / loop)
    print(f"Medians: Sonde {m(one)}/s with one connection, {m(two)}/s with two ({ratio:.2f}×). Sonde used {sc1:.2f} "
          f"cores with one connection and {sc2:.2f} with two; the two senders used {ss2:.2f}, and other work on the "
          f"machine {oth2:.2f} (one connection: {oth1:.2f}). CPU-s per million events: "
          f"{mr(('sonde', 1), 'cpu_per_m'):.3f} with one connection, {mr(('sonde', 2), 'cpu_per_m'):.3f} with two. "
          f"fstrm_capture: {m(f1)}/s with one sender, {m(f2)}/s with two into one (single-threaded) process, {m(fe)}/s "
          f"with one process per sender ({fe / f1:.2f}× one sender: what the two senders can push through these "
          f"{cores} cores when the receivers do nothing). On an idle machine, at the CPU per event measured here, "
          f"two connections could reach {m(projected)}/s ({projected / one:.2f}× one).")
    print()
    ok = ratio >= 1.6
    verdicts.append(
        f"**Target 4 (two connections ≥ 1.6 × one): {'HOLDS' if ok else 'FAILS'}** — {ratio:.2f}× ({m(one)}/s → "
        f"{m(two)}/s, first to last event, medians of {len(per.get(('sonde', 2), []))}); both event loops busy "
        f"with two connections in every run: {'yes' if all(l >= 2 for l in loops) else 'no'} (loops busy: "
        f"{', '.join(str(l) for l in loops)}); with the senders taking {ss2:.2f} of the {cores} cores and other work "
        f"{oth2:.2f}, Sonde used {sc2:.2f}; against the ceiling of the same two senders into two idle receivers "
        f"({m(fe)}/s) Sonde reaches {100 * two / fe:.0f}%; projected on an idle machine {projected / one:.2f}×.")

print("### Noise")
print()
for inp, rates in bare_by_input.items():
    print(f"- bare JSON path on `{inp}`: {len(rates)} runs over the session, median {m(med(rates))} messages/CPU-s, "
          f"{m(min(rates))} to {m(max(rates))} ({100 * spread(rates):.0f}% max − min over median)")
if group_spreads:
    print(f"- within a group (runs minutes apart) the bare runs spread {100 * med(group_spreads):.0f}% (median over "
          f"{len(group_spreads)} groups; largest {100 * max(group_spreads):.0f}%)")
if loads:
    print(f"- load average (1 min) at the start of the timed runs: {min(loads):.2f} to {max(loads):.2f}, median {med(loads):.2f}")
print()
print("### Verdicts")
print()
for v in verdicts:
    print(f"- {v}")
PY
