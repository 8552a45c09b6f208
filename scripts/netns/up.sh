#!/usr/bin/env bash
# Create two network namespaces joined by a veth pair, for live-capture tests. Idempotent (removes an existing
# pair of the same prefix first). Nothing is routed out of them: they have no default route and no link to the
# root namespace.
#
#   NETNS_PREFIX=sonde NETNS_MTU=1500 scripts/netns/up.sh
#
# Optional NETNS_MAC_A / NETNS_MAC_B fix the veths' MAC addresses (default: random), e.g. so that a
# capture rewritten to them can be cached.
#
#   ${P}-a  clients / replayer   veth ${P}a0  198.18.0.1/24  2001:db8:53::1/64
#   ${P}-b  server / capturer    veth ${P}b0  198.18.0.2/24  2001:db8:53::2/64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
P=${NETNS_PREFIX:-sonde}
MTU=${NETNS_MTU:-1500}
MAC_A=${NETNS_MAC_A:-} MAC_B=${NETNS_MAC_B:-}
NSA="$P-a" NSB="$P-b" IFA="${P}a0" IFB="${P}b0"

[ "$(id -u)" -eq 0 ] || { echo "error: up.sh needs root (ip netns)" >&2; exit 1; }
command -v ip >/dev/null || { echo "error: no ip (iproute2); run scripts/netns/install.sh" >&2; exit 1; }
[ ${#IFA} -le 15 ] || { echo "error: prefix '$P' too long: interface names are limited to 15 characters" >&2; exit 1; }
[[ $P =~ ^[A-Za-z0-9_]+$ ]] || { echo "error: prefix '$P' must be [A-Za-z0-9_]+" >&2; exit 1; }
[[ $MTU =~ ^[0-9]+$ ]] || { echo "error: NETNS_MTU must be a number" >&2; exit 1; }

"$here/down.sh"
# If anything below fails, leave nothing half-made behind.
trap 'echo "error: up.sh failed; removing $NSA/$NSB" >&2; "$here/down.sh"' ERR

ip netns add "$NSA"
ip netns add "$NSB"
# Create the pair directly inside the namespaces: the names never exist in the root namespace.
ip link add "$IFA" ${MAC_A:+address "$MAC_A"} mtu "$MTU" netns "$NSA" \
  type veth peer name "$IFB" ${MAC_B:+address "$MAC_B"} mtu "$MTU" netns "$NSB"

setup_side() {  # ns ifname ipv4/len ipv6/len
  local ns=$1 ifc=$2 v4=$3 v6=$4
  local x=(ip netns exec "$ns")
  # No IPv6 duplicate address detection (addresses usable at once), no router solicitations (quiet link).
  "${x[@]}" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    "net.ipv6.conf.$ifc.accept_dad=0" "net.ipv6.conf.$ifc.router_solicitations=0" \
    "net.ipv6.conf.$ifc.disable_ipv6=0"
  "${x[@]}" ip link set lo up
  "${x[@]}" ip addr add "$v4" dev "$ifc"
  "${x[@]}" ip -6 addr add "$v6" dev "$ifc" nodad
  # Offloads off so captures see wire-sized packets and real IP fragments (no GRO/GSO super-packets), and
  # tx checksum off so captured checksums are filled in as on a wire.
  if command -v ethtool >/dev/null; then
    "${x[@]}" ethtool -K "$ifc" gro off gso off tso off tx off >/dev/null 2>&1 ||
      "${x[@]}" ethtool -K "$ifc" gro off gso off tso off >/dev/null 2>&1 ||
      echo "warning: ethtool -K $ifc failed; offloads left on" >&2
  else
    echo "warning: no ethtool; offloads left on (scripts/netns/install.sh installs it)" >&2
  fi
  "${x[@]}" ip link set "$ifc" up
}
setup_side "$NSA" "$IFA" 198.18.0.1/24 2001:db8:53::1/64
setup_side "$NSB" "$IFB" 198.18.0.2/24 2001:db8:53::2/64

# Wait (bounded) until both ends report the link up.
for _ in $(seq 50); do
  if ip -n "$NSA" link show "$IFA" | grep -q 'state UP' && ip -n "$NSB" link show "$IFB" | grep -q 'state UP'; then
    break
  fi
  sleep 0.1
done
trap - ERR

echo "namespaces: $NSA $NSB"
echo "veth: $IFA ($NSA, 198.18.0.1, 2001:db8:53::1, $(ip -n "$NSA" -br link show "$IFA" | awk '{print $3}'))" \
  "<-> $IFB ($NSB, 198.18.0.2, 2001:db8:53::2, $(ip -n "$NSB" -br link show "$IFB" | awk '{print $3}')), mtu $MTU"
