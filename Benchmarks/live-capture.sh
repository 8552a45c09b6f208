#!/usr/bin/env bash
# Live-capture benchmark: replay a large generated capture onto a veth pair with tcpreplay while a capturer runs
# in the peer namespace (writing to /dev/null), and report the highest packet rate with zero loss, the loss at
# full speed (--topspeed), CPU per million packets, and the same for `tcpdump -w /dev/null`.
#
#   Benchmarks/live-capture.sh [--capturer tcpdump|sonde|both] [--pairs N] [--trial-seconds S]
#                              [--max-tries K] [--start-pps R]
#
#   --capturer      which capturer(s) to measure (default: both)
#   --pairs         query/response pairs in the generated capture (default $BENCH_PAIRS or 500000)
#   --trial-seconds length of each fixed-rate trial in the zero-loss search (default 3)
#   --max-tries     fixed-rate trials per capturer in the search (default 7)
#   --start-pps     first rate tried in the search (default 100000)
#   --senders       tcpreplay processes replaying at once (default 1; one reaches about 300k pps on a veth,
#                   so with 2 the capturer is pushed past that, and all share the machine's cores)
#
# Environment: SONDE (default .build/release/sonde, must have `run --interface`), BENCH_DIR (work dir and
# capture cache, default /tmp/sonde-live-bench), NETNS_PREFIX (namespace prefix, default sbench),
# TCPDUMP_BUFFER_KIB (tcpdump -B, default 65536 = 64 MiB).
#
# Safety: the capture (../shared/tools/gen_pcap.py) is rewritten with tcpprep + tcprewrite so that every packet
# is between the namespace hosts' own addresses (198.18.0.1 <-> 198.18.0.2, 2001:db8:53::1 <-> ::2) and MACs,
# and that is verified with tcpdump before anything is sent; it is only ever sent on ${P}a0, whose only peer is
# ${P}b0 in ${P}-b. In ${P}-b an nftables netdev ingress rule drops every frame after the packet taps, so
# capturers see all of it but the namespace's stack never answers (no RSTs or ICMP errors in the counts).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH="$PATH:/usr/sbin:/sbin"

# ---- options -------------------------------------------------------------------------------------------------
which=both
pairs=${BENCH_PAIRS:-500000}
trial_seconds=3
max_tries=7
start_pps=100000
senders=1
while [ $# -gt 0 ]; do
  case $1 in
    --capturer) which=${2:?}; shift 2 ;;
    --capturer=*) which=${1#*=}; shift ;;
    --pairs) pairs=${2:?}; shift 2 ;;
    --trial-seconds) trial_seconds=${2:?}; shift 2 ;;
    --max-tries) max_tries=${2:?}; shift 2 ;;
    --start-pps) start_pps=${2:?}; shift 2 ;;
    --senders) senders=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $which in
  both) capturers=(tcpdump sonde) ;;
  tcpdump|sonde) capturers=("$which") ;;
  *) echo "error: --capturer must be tcpdump, sonde or both" >&2; exit 2 ;;
esac
for v in pairs trial_seconds max_tries start_pps senders; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "error: --${v//_/-} must be a positive integer" >&2; exit 2; }
done

SONDE=${SONDE:-.build/release/sonde}
dir=${BENCH_DIR:-/tmp/sonde-live-bench}
P=${NETNS_PREFIX:-sbench}
NSA="$P-a" NSB="$P-b" IFA="${P}a0" IFB="${P}b0"
# For the netns scripts only: the prefix,
# and fixed, locally administered MACs for the veths, so that the rewritten capture can be cached.
netns_env=(NETNS_PREFIX="$P" NETNS_MAC_A=02:53:00:00:00:01 NETNS_MAC_B=02:53:00:00:00:02)
# ... and the capturer runs without ours from the caller's environment
unset_ours=()
for v in $(compgen -e); do
  case $v in SONDE|NETNS_*|BENCH_*) unset_ours+=(-u "$v") ;; esac
done
tcpdump_buffer=${TCPDUMP_BUFFER_KIB:-65536}
tools=$repo/../shared/tools
hz=$(getconf CLK_TCK)

die() { echo "error: $*" >&2; exit 1; }
trap 'echo "error: line $LINENO: $BASH_COMMAND failed" >&2' ERR
log() { echo "== $*" >&2; }

# ---- preflight -----------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, packet capture)"
[ -f "$tools/gen_pcap.py" ] || die "needs $tools/gen_pcap.py (the shared workload tools)"
if [[ " ${capturers[*]} " == *" sonde "* ]]; then
  [ -x "$SONDE" ] || die "no Sonde binary at $SONDE (swift build -c release, or set SONDE=...; or use --capturer tcpdump)"
  "$SONDE" run --help 2>&1 | grep -q -- '--interface' ||
    die "$SONDE has no 'run --interface' (live capture not in this build); rebuild, or use --capturer tcpdump"
fi
"$repo/scripts/netns/install.sh" >&2
for c in tcpreplay tcprewrite tcpprep tcpdump nft ip; do command -v $c >/dev/null || die "no $c"; done
mkdir -p "$dir"

# ---- namespaces (always torn down) ---------------------------------------------------------------------------
cap_pid=""
cleanup() {
  if [ -n "$cap_pid" ] && kill -0 "$cap_pid" 2>/dev/null; then kill -KILL "$cap_pid" 2>/dev/null || true; fi
  env "${netns_env[@]}" "$repo/scripts/netns/down.sh" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "namespaces"
env "${netns_env[@]}" "$repo/scripts/netns/up.sh" >&2
mac_a=$(ip netns exec "$NSA" cat "/sys/class/net/$IFA/address")
mac_b=$(ip netns exec "$NSB" cat "/sys/class/net/$IFB/address")
# Drop everything arriving on ${P}b0 at the netdev ingress hook, which runs after the packet taps: the capturer
# still gets every frame, the stack in ${P}-b none (so it sends nothing back).
ip netns exec "$NSB" nft -f - <<EOF
table netdev sonde_bench {
  chain ingress { type filter hook ingress device "$IFB" priority 0; policy drop; }
}
EOF

# ---- the capture: generate, rewrite to the namespace hosts, verify -------------------------------------------
orig="$dir/gen-$pairs.pcap"
if [ ! -s "$orig" ]; then
  log "generating $orig ($pairs pairs)"
  python3 "$tools/gen_pcap.py" "$pairs" -o "$orig.tmp" --seed 1 >&2
  mv "$orig.tmp" "$orig"
fi
replay="$dir/live-$pairs-${mac_a//:/}-${mac_b//:/}.pcap"
if [ ! -s "$replay" ] || [ "$replay" -ot "$orig" ]; then
  log "rewriting to 198.18.0.1/2001:db8:53::1 ($mac_a) <-> 198.18.0.2/2001:db8:53::2 ($mac_b)"
  # Client/server by port: the generator's client addresses (198.18.0.0/15) include the server's own address,
  # so a split by address would be ambiguous; port 53 is always the server side. Primary = clients.
  tcpprep --port -i "$orig" -o "$dir/split.cache"
  # tcprewrite takes one --endpoints pair per run: IPv4 first, then IPv6 (checksums are updated incrementally).
  tcprewrite --cachefile="$dir/split.cache" -i "$orig" -o "$dir/rw4.tmp" --endpoints=198.18.0.1:198.18.0.2
  tcprewrite --cachefile="$dir/split.cache" -i "$dir/rw4.tmp" -o "$replay.tmp" \
    --endpoints='[2001:db8:53::1]:[2001:db8:53::2]'
  rm -f "$dir/rw4.tmp"
  # MACs: not with tcprewrite --enet-smac/--enet-dmac, which in tcpreplay 4.4.2/4.4.3 (Debian 12) turns both
  # MACs of every IPv6 frame into 33:33:xx multicast ones (appneta/tcpreplay#817, fixed in 4.4.4). Set them here
  # by direction: from 198.18.0.1 / 2001:db8:53::1 = a0 -> b0, else b0 -> a0.
  python3 - "$replay.tmp" "$mac_a" "$mac_b" <<'PY'
import struct, sys, ipaddress
path, a, b = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), bytes.fromhex(sys.argv[3].replace(":", ""))
c2s, s2c = b + a, a + b                              # Ethernet header: dst, src
cli4, cli6 = ipaddress.ip_address("198.18.0.1").packed, ipaddress.ip_address("2001:db8:53::1").packed
buf = bytearray(open(path, "rb").read())
magic = buf[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
if struct.unpack(end + "I", buf[20:24])[0] != 1:
    sys.exit("not an Ethernet pcap")
rec = struct.Struct(end + "IIII")
off, n = 24, 0
while off + 16 <= len(buf):
    caplen = rec.unpack_from(buf, off)[2]
    p = off + 16
    if caplen >= 14:
        et = buf[p + 12:p + 14]
        if et == b"\x08\x00":
            up = buf[p + 26:p + 30] == cli4
        elif et == b"\x86\xdd":
            up = buf[p + 22:p + 38] == cli6
        else:
            sys.exit("frame %d is neither IPv4 nor IPv6" % n)
        buf[p:p + 12] = c2s if up else s2c
    off, n = p + caplen, n + 1
open(path, "wb").write(buf)
print("set MACs on %d frames" % n, file=sys.stderr)
PY
  mv "$replay.tmp" "$replay"
fi

# Mandatory check, on the exact file that is replayed, every run: every frame is IPv4 or IPv6 between the two
# namespace hosts' addresses, with their MACs, and the packet count is unchanged. Otherwise nothing is sent.
log "verifying $replay"
total=$(tcpdump -nr "$orig" 2>/dev/null -q | wc -l)
[ "$(tcpdump -nr "$replay" 2>/dev/null -q | wc -l)" -eq "$total" ] || die "rewritten capture has a different packet count"
ok4='(ip and ((src host 198.18.0.1 and dst host 198.18.0.2) or (src host 198.18.0.2 and dst host 198.18.0.1)))'
ok6='(ip6 and ((src host 2001:db8:53::1 and dst host 2001:db8:53::2) or (src host 2001:db8:53::2 and dst host 2001:db8:53::1)))'
okmac="((ether src $mac_a and ether dst $mac_b) or (ether src $mac_b and ether dst $mac_a))"
tcpdump -nr "$replay" -w "$dir/stray.pcap" "not ($ok4 or $ok6) or not $okmac" 2>/dev/null
if [ "$(tcpdump -nr "$dir/stray.pcap" 2>/dev/null | wc -l)" -ne 0 ]; then
  tcpdump -enr "$dir/stray.pcap" -c 5 2>/dev/null >&2 || true
  die "rewritten capture $replay still has frames with other addresses (first ones above)"
fi
# and the same from the printed headers: the set of distinct addresses must be exactly the four
addrs=$(tcpdump -nqr "$replay" 2>/dev/null | awk '
  { for (i = 2; i <= NF; i++) if ($i == ">") { print $(i-1); print $(i+1); break } }' |
  sed -E 's/:$//; s/^([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\.[0-9]+$/\1/; s/^([0-9a-f:]*:[0-9a-f:]*)\.[0-9]+$/\1/' | sort -u)
[ "$(printf '%s\n' "$addrs" | tr '\n' ' ')" = "198.18.0.1 198.18.0.2 2001:db8:53::1 2001:db8:53::2 " ] ||
  die "rewritten capture has addresses other than the namespace hosts': $(tr '\n' ' ' <<<"$addrs")"
log "ok: $total packets, only 198.18.0.1, 198.18.0.2, 2001:db8:53::1, 2001:db8:53::2 ($(du -h "$replay" | cut -f1))"

# ---- capturers -----------------------------------------------------------------------------------------------
# start_capturer NAME ERRFILE: start it in ${P}-b on ${P}b0, set cap_pid, wait until its packet socket exists.
start_capturer() {
  local name=$1 err=$2
  case $name in
    tcpdump) env "${unset_ours[@]}" ip netns exec "$NSB" tcpdump -i "$IFB" -n -w /dev/null -B "$tcpdump_buffer" 2>"$err" & ;;
    sonde) env "${unset_ours[@]}" ip netns exec "$NSB" "$SONDE" run --interface "$IFB" --format json --stats-interval 0 >/dev/null 2>"$err" & ;;
  esac
  cap_pid=$!   # `env` and `ip netns exec` exec the command: this is the capturer's own pid
  local deadline=$((SECONDS + 10))
  while :; do
    kill -0 "$cap_pid" 2>/dev/null || { cat "$err" >&2; die "$name exited at start"; }
    # a packet socket open in ${P}-b (nothing else there opens one)
    [ "$(ip netns exec "$NSB" cat /proc/net/packet | wc -l)" -gt 1 ] && break
    [ $SECONDS -lt $deadline ] || { cat "$err" >&2; die "$name opened no packet socket within 10 s"; }
    sleep 0.1
  done
  if [ "$name" = tcpdump ]; then
    while ! grep -q 'listening on' "$err"; do
      [ $SECONDS -lt $deadline ] || die "tcpdump not listening within 10 s"
      sleep 0.1
    done
  fi
  sleep 0.5
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of a live process

stop_capturer() {  # SIGINT, then wait (bounded) for its summary
  kill -INT "$cap_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$cap_pid" 2>/dev/null; then
    echo "warning: capturer $cap_pid still running 10 s after SIGINT; killing it" >&2
    kill -KILL "$cap_pid" 2>/dev/null || true
  fi
  wait "$cap_pid" 2>/dev/null || true
  cap_pid=""
}

# ======== sonde_counts: Sonde's packet counts from its stderr summary ==========================================
# Prints the summary's `capture:` line (to stderr, for the log) and, on stdout, "CAPTURED KERNEL_DROPS" read from
# it ("capture:   kernel seen N, kernel dropped N (ring full), received N, ..."; SummaryReport.captureLine), or
# "? ?" if it is not there.
sonde_counts() {
  local file=$1 line recv drop
  line=$(grep -m1 '^capture:' "$file" || true)
  echo "   sonde: ${line:-(no capture: line in $file)}" >&2
  recv=$(sed -nE 's/.*[ ,]received ([0-9,]+).*/\1/p' <<<"$line" | tr -d ,)
  drop=$(sed -nE 's/.*kernel dropped ([0-9,]+).*/\1/p' <<<"$line" | tr -d ,)
  echo "${recv:-?} ${drop:-?}"
}
# ===============================================================================================================

tcpdump_counts() {  # "CAPTURED KERNEL_DROPS" from tcpdump's exit summary
  local file=$1 cap drop
  cap=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$file")
  drop=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$file")
  echo "${cap:-?} ${drop:-?}"
}

results="$dir/results.tsv"
: >"$results"
run_no=0
# trial CAPTURER MODE PPS LIMIT: one replay. PPS "top" = --topspeed; LIMIT 0 = the whole file.
# Sets: t_sent t_captured t_drops t_lost t_cpu t_rate t_lossless; appends a row to $results.
trial() {
  local name=$1 mode=$2 pps=$3 limit=$4
  run_no=$((run_no + 1))
  local err="$dir/$name-$run_no.err" out="$dir/replay-$run_no.out"
  rm -f "$out" "$out".*   # this trial's sender logs only, not an earlier run's
  local opts=(--preload-pcap -i "$IFA")
  if [ "$pps" = top ]; then opts+=(--topspeed); else opts+=(--pps="$pps"); fi
  [ "$limit" -gt 0 ] && opts+=(--limit="$limit")
  start_capturer "$name" "$err"
  local rx0 c0 c1
  rx0=$(ip netns exec "$NSB" cat "/sys/class/net/$IFB/statistics/rx_packets")
  c0=$(cpu_ticks "$cap_pid")
  # --senders N: N tcpreplay processes at once (one tops out near 300k pps on a veth), their counts summed
  local k pids=()
  for k in $(seq "$senders"); do
    timeout 600 ip netns exec "$NSA" tcpreplay "${opts[@]}" "$replay" >"$out.$k" 2>&1 &
    pids+=($!)
  done
  for k in "${!pids[@]}"; do
    wait "${pids[$k]}" || { cat "$out.$((k + 1))" >&2; die "tcpreplay failed"; }
  done
  awk '/Successful packets:/ { s += $3 } /Failed packets:/ { f += $3 } /^Rated:/ { for (i = 1; i <= NF; i++) if ($i ~ /^pps/) r += $(i - 1) }
       END { printf "Successful packets: %d\nFailed packets: %d\nRated: x %.0f pps, x\n", s, f, r }' "$out".* >"$out"
  # let the capturer drain: a TPACKET_V3 block is handed over when full or after its timeout (tcpdump: 1 s)
  sleep 2
  kill -0 "$cap_pid" 2>/dev/null || { cat "$err" >&2; die "$name died during the replay"; }
  c1=$(cpu_ticks "$cap_pid")
  stop_capturer
  local rx1 counts
  rx1=$(ip netns exec "$NSB" cat "/sys/class/net/$IFB/statistics/rx_packets")
  t_sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$out")
  t_rate=$(sed -n 's/^Rated: .* \([0-9.]*\) pps.*/\1/p' "$out" | cut -d. -f1)
  local failed; failed=$(sed -n 's/.*Failed packets: *\([0-9]*\).*/\1/p' "$out")
  [ -n "$t_sent" ] || { cat "$out" >&2; die "cannot read tcpreplay's packet count"; }
  [ "${failed:-0}" -eq 0 ] || echo "warning: tcpreplay: $failed packets failed to send" >&2
  if [ "$name" = tcpdump ]; then counts=$(tcpdump_counts "$err"); else counts=$(sonde_counts "$err"); fi
  read -r t_captured t_drops <<<"$counts"
  t_cpu=$(awk -v t=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
  if [[ $t_captured =~ ^[0-9]+$ ]]; then
    t_lost=$((t_sent > t_captured ? t_sent - t_captured : 0))
    [ "$t_lost" -eq 0 ] && [ "${t_drops:-0}" = 0 ] && t_lossless=1 || t_lossless=0
  else
    t_lost="?" t_lossless=""
  fi
  local perm; perm=$(awk -v c="$t_cpu" -v n="$t_sent" 'BEGIN { if (n > 0) printf "%.3f", c / (n / 1e6); else print "-" }')
  log "$name $mode pps=$pps: sent $t_sent at ${t_rate} pps, veth rx $((rx1 - rx0)), captured $t_captured," \
    "kernel drops $t_drops, lost $t_lost, CPU ${t_cpu} s"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mode" "$pps" "$t_rate" "$t_sent" "$t_captured" \
    "$t_drops" "$t_lost" "$t_cpu" "$perm" >>"$results"
}

declare -A best_rate best_text best_top
for name in "${capturers[@]}"; do
  # (a) full speed, whole file
  log "$name: tcpreplay --topspeed, $total packets"
  trial "$name" topspeed top 0
  best_top[$name]=$t_rate
  if [ -z "$t_lossless" ]; then
    echo "warning: no packet counts from $name: skipping the zero-loss search (see sonde_counts)" >&2
    best_rate[$name]="?" best_text[$name]="unknown (no packet counts)"
    continue
  fi
  if [ "$t_lossless" = 1 ]; then
    best_rate[$name]=$t_rate best_text[$name]=">= $t_rate pps (no loss at full speed, the sender's limit)"
    continue
  fi
  # (b) highest zero-loss rate: bisection between the best lossless rate (lo) and the lowest lossy one (hi),
  # starting at --start-pps, each trial --trial-seconds long, at most --max-tries trials, 5 % resolution.
  lo=0 hi=$t_rate r=$start_pps
  [ "$r" -lt "$hi" ] || r=$((hi / 2))
  for try in $(seq "$max_tries"); do
    limit=$((r * trial_seconds)); [ "$limit" -le "$total" ] || limit=$total
    log "$name: search $try/$max_tries at $r pps ($limit packets)"
    trial "$name" "search" "$r" "$limit"
    if [ "$t_lossless" = 1 ]; then lo=$r; else hi=$r; fi
    [ $((hi - lo)) -gt $((hi / 20)) ] || break
    r=$(( (lo + hi) / 2 / 1000 * 1000 ))
    [ "$r" -gt "$lo" ] || break
  done
  if [ "$lo" -gt 0 ]; then
    best_rate[$name]=$lo best_text[$name]="$lo pps offered (loss at $hi pps; full speed was ${best_top[$name]} pps)"
  else
    best_rate[$name]="?" best_text[$name]="< $hi pps (loss at every rate tried)"
  fi
done

# (c) all capturers at one common rate (the lowest zero-loss rate found, or --start-pps), for CPU per packet
common=""
for name in "${capturers[@]}"; do
  b=${best_rate[$name]}
  [[ $b =~ ^[0-9]+$ ]] || continue
  if [ -z "$common" ] || [ "$b" -lt "$common" ]; then common=$b; fi
done
common=${common:-$start_pps}
limit=$((common * trial_seconds * 2)); [ "$limit" -le "$total" ] || limit=$total
for name in "${capturers[@]}"; do
  log "$name: common rate $common pps ($limit packets)"
  trial "$name" "same-rate" "$common" "$limit"
done

# ---- report --------------------------------------------------------------------------------------------------
echo
echo "live capture on a veth pair ($IFA -> $IFB), $(nproc) cores, $(uname -r); capture $(basename "$replay"), $total packets;"
echo "tcpdump -B $tcpdump_buffer KiB; CPU = the capturer process's user+sys (kernel softirq work, such as copying into"
echo "the ring, is charged to the sender, not to the capturer); lost = sent - captured"
echo
echo "| capturer | mode | pps offered | pps achieved | sent | captured | kernel drops | lost | CPU s | CPU s per M pkts |"
echo "|---|---|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r name mode pps rate sent cap drops lost cpu perm; do
  [ "$pps" = top ] && pps="max"
  echo "| $name | $mode | $pps | $rate | $sent | $cap | $drops | $lost | $cpu | $perm |"
done <"$results"
echo
for name in "${capturers[@]}"; do
  echo "$name: highest zero-loss rate: ${best_text[$name]}"
done
