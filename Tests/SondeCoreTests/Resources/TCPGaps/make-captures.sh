#!/usr/bin/env bash
# Makes the DNS-over-TCP captures with holes in this folder (TCPGapTests reads them): a real Unbound
# (scripts/netns/unbound.sh) answers a real client (scripts/netns/tcp-client.py, several questions on one
# connection) in the test namespaces of scripts/netns, tcpdump records the server's side, then cut-segments.py
# removes segments as a lossy capture would have missed them and says which messages survive whole. Needs root.
#
#   Tests/SondeCoreTests/Resources/TCPGaps/make-captures.sh
#
#   gap-mid-stream.pcap      12 questions, one at a time (IPv4); one segment gone from the middle of an answer
#   gap-large-both.pcap      38 questions, 4 in flight (IPv6); a third of each direction's segments gone in a run
#   gap-no-syn-prefix.pcap   8 questions, each length prefix in a segment of its own (IPv4); the handshake and the
#                            first prefix gone: a stream without SYN whose first message lost its length prefix
#   gap-retransmitted.pcap   32 questions, 4 in flight (IPv4) over a link that loses 20% of the client's packets
#                            (scripts/netns/loss.sh, tc's BPF classifier, as netem is missing here): the network's
#                            holes, filled late by the real retransmissions
#
# Each capture has its OUT.pcap.expected.json beside it (see cut-segments.py). The captures are kept small (about
# 10 to 60 KB); run again only to change them, and commit the results together.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
netns="$repo/scripts/netns"
export NETNS_PREFIX=${NETNS_PREFIX:-sgap}
P=$NETNS_PREFIX
[ "$(id -u)" -eq 0 ] || { echo "error: needs root (network namespaces)" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
  "$netns/unbound.sh" stop "$work/unbound" >/dev/null 2>&1 || true
  "$netns/down.sh" || true
  rm -rf "$work"
}
trap cleanup EXIT
"$netns/up.sh" >/dev/null
"$netns/unbound.sh" start "$work/unbound" >/dev/null

# capture NAME CLIENT-ARGS...: tcpdump on the server's veth (or on $TAP) while the client asks; the raw capture in
# $work/NAME.pcap.
capture() {
  local name=$1
  shift
  local pcap="$work/$name.pcap"
  ip netns exec "$P-b" tcpdump -n -U --immediate-mode -i "${TAP:-${P}b0}" -w "$pcap" 'tcp port 53' 2>"$work/$name.tcpdump" &
  local pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.tcpdump" 2>/dev/null && break; sleep 0.1; done
  ip netns exec "$P-a" python3 "$netns/tcp-client.py" "$@" >"$work/$name.answers"
  # The FINs and last ACKs come just after the last answer; tcpdump writes each packet as it reads it.
  sleep 1
  kill -INT "$pid"
  wait "$pid" || true
}

capture sequential 198.18.0.2 12
python3 "$here/cut-segments.py" "$work/sequential.pcap" "$here/gap-mid-stream.pcap" mid-stream

capture pipelined 2001:db8:53::2 38 --pipeline 4 --id-base 0x2000
python3 "$here/cut-segments.py" "$work/pipelined.pcap" "$here/gap-large-both.pcap" large-both

capture prefix 198.18.0.2 8 --prefix-apart --id-base 0x3000
python3 "$here/cut-segments.py" "$work/prefix.pcap" "$here/gap-no-syn-prefix.pcap" no-syn-prefix

# Losses in the network: the capture sees a hole until the retransmission comes. The client's packets are dropped
# before the capture on a copy of the server's link sees them (loss.sh tap 0 20: a capture on the link itself would
# see them before tc drops them); the server's answers all get through. Try until one hole was filled after later
# data had arrived (a late fill, not just a retransmission at the tail).
"$netns/loss.sh" tap 0 20
for attempt in $(seq 10); do
  TAP="${P}m1" capture lossy 198.18.0.2 32 --pipeline 4 --id-base 0x4000 --timeout 60 || true
  if grep -q "^done 32$" "$work/lossy.answers"; then
    late=$(python3 "$here/cut-segments.py" --late-fills "$work/lossy.pcap")
    if [ "$late" -gt 0 ]; then
      python3 "$here/cut-segments.py" "$work/lossy.pcap" "$here/gap-retransmitted.pcap" none
      echo "gap-retransmitted.pcap: $late holes filled late (attempt $attempt)" >&2
      break
    fi
  fi
done
"$netns/loss.sh" tap off
ls -l "$here"/*.pcap >&2
