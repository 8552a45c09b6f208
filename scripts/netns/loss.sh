#!/usr/bin/env bash
# Lose packets on purpose in the test namespaces of up.sh, for tests of captures with holes. Needs root.
#
#   loss.sh link NS DEV PERCENT   drop PERCENT% of DEV's outgoing packets at random (DEV in namespace NS): both the
#                                 receiver and any capture miss them, and TCP retransmits them
#   loss.sh link NS DEV off       stop dropping
#   loss.sh tap MISS [DROP]       in ${P}-b, a veth pair ${P}m0/${P}m1 where every packet of ${P}b0 (both ways) is
#                                 copied, except MISS% at random: a capture on ${P}m1 misses packets that the
#                                 server and the client got (a lossy tap or span port: those holes never fill).
#                                 With DROP, DROP% of the packets coming in on ${P}b0 are dropped before they are
#                                 copied: neither the server nor the capture gets them, and the client's TCP
#                                 retransmits them (holes the capture sees filled late). A capture on ${P}b0 itself
#                                 still sees those (the kernel hands packets to captures before tc runs).
#   loss.sh tap off               remove the pair and the copying
#
# tc netem would be the usual tool; kernels built without it (CONFIG_NET_SCH_NETEM unset, as on the project's
# machines) still have tc's BPF classifier and mirred action, which this uses: a classic BPF program loads a random
# number (SKF_AD_RANDOM) and compares it with PERCENT% of 2^32.
set -euo pipefail
P=${NETNS_PREFIX:-sonde}
NSB="$P-b"
[ "$(id -u)" -eq 0 ] || { echo "error: loss.sh needs root" >&2; exit 1; }

# threshold PERCENT: PERCENT% of 2^32
threshold() {
  [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -le 100 ] || { echo "error: PERCENT must be 0-100, not '$1'" >&2; exit 2; }
  echo $(( $1 * 4294967296 / 100 ))
}
# ld [SKF_AD_OFF + SKF_AD_RANDOM] (0xfffff000 + 56); jge #t, then keep (jt 0), else the other verdict (jf 1)
random_load="32 0 0 4294963256"

case "${1:-}" in
link)
  [ $# -eq 4 ] || { echo "usage: $0 link NS DEV PERCENT|off" >&2; exit 2; }
  ns=$2 dev=$3
  ip netns exec "$ns" tc qdisc del dev "$dev" clsact 2>/dev/null || true
  [ "$4" = off ] && exit 0
  t=$(threshold "$4")
  ip netns exec "$ns" tc qdisc add dev "$dev" clsact
  # direct action: TC_ACT_OK (0) passes, TC_ACT_SHOT (2) drops
  ip netns exec "$ns" tc filter add dev "$dev" egress bpf da bytecode "4,$random_load,53 0 1 $t,6 0 0 0,6 0 0 2"
  ;;
tap)
  [ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 tap MISS [DROP] | tap off" >&2; exit 2; }
  ip netns exec "$NSB" tc qdisc del dev "${P}b0" clsact 2>/dev/null || true
  ip -n "$NSB" link del "${P}m0" 2>/dev/null || true
  [ "$2" = off ] && exit 0
  t=$(threshold "$2")
  ip -n "$NSB" link add "${P}m0" type veth peer name "${P}m1"
  for dev in "${P}m0" "${P}m1"; do
    ip netns exec "$NSB" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
    ip -n "$NSB" link set "$dev" up
  done
  ip netns exec "$NSB" tc qdisc add dev "${P}b0" clsact
  if [ "${3:-0}" != 0 ]; then
    d=$(threshold "$3")
    # direct action, first in line: TC_ACT_UNSPEC (-1) goes on to the copying filter, TC_ACT_SHOT (2) drops
    ip netns exec "$NSB" tc filter add dev "${P}b0" ingress pref 1 bpf da bytecode "4,$random_load,53 0 1 $d,6 0 0 4294967295,6 0 0 2"
  fi
  for direction in ingress egress; do
    # classifier verdict: -1 matches (the mirred action copies), 0 does not
    ip netns exec "$NSB" tc filter add dev "${P}b0" "$direction" pref 2 bpf bytecode "4,$random_load,53 0 1 $t,6 0 0 4294967295,6 0 0 0" \
      action mirred egress mirror dev "${P}m0"
  done
  ;;
*)
  echo "usage: $0 link NS DEV PERCENT|off | tap MISS [DROP] | tap off" >&2
  exit 2
  ;;
esac
