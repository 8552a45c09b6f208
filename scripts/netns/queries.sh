#!/usr/bin/env bash
# Send a fixed set of DNS queries from ${P}-a to the Unbound of unbound.sh in ${P}-b, over IPv4 (198.18.0.2)
# and IPv6 (2001:db8:53::2), and print one line per query on stdout:
#
#   proto qname qtype rcode        proto is udp4, tcp4, udp6 or tcp6; rcode as dig prints it (NOERROR, ...)
#
# for comparison with the events Sonde reports. Then some off-port UDP (not port 53) for filter tests, logged
# on stderr: 3 datagrams holding a DNS query to port 5353 and 3 non-DNS datagrams to port 9999, over each of
# IPv4 and IPv6. Exits non-zero if a query gets no answer or an answer is not what the zone says.
#
#   NETNS_PREFIX=sonde scripts/netns/queries.sh
set -euo pipefail
P=${NETNS_PREFIX:-sonde}
NSA="$P-a"
[ -e "/run/netns/$NSA" ] || { echo "error: namespace $NSA missing; run scripts/netns/up.sh" >&2; exit 1; }
command -v dig >/dev/null || { echo "error: no dig; run scripts/netns/install.sh" >&2; exit 1; }

failed=0
# query FAMILY SERVER TRANSPORT QNAME QTYPE EXPECTED_RCODE [dig options...]
query() {
  local fam=$1 server=$2 transport=$3 qname=$4 qtype=$5 want=$6
  shift 6
  local out rcode flags size opts=(+time=2 +tries=1 +norecurse)
  # +ignore: keep a UDP query on UDP (no silent retry over TCP on truncation)
  if [ "$transport" = tcp ]; then opts+=(+tcp); else opts+=(+notcp +ignore); fi
  out=$(ip netns exec "$NSA" dig "${opts[@]}" "$@" "@$server" "$qname" "$qtype" 2>&1) || true
  rcode=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -1)
  flags=$(sed -n 's/.*;; flags: \([a-z ]*\);.*/\1/p' <<<"$out" | head -1)
  size=$(sed -n 's/.*MSG SIZE  rcvd: \([0-9]*\).*/\1/p' <<<"$out" | head -1)
  echo "$transport$fam $qname $qtype ${rcode:-TIMEOUT}"
  if [ "${rcode:-}" != "$want" ]; then
    echo "error: $transport$fam $qname $qtype: rcode ${rcode:-none}, expected $want" >&2; failed=1
  elif [[ " $flags " == *" tc "* ]]; then
    echo "error: $transport$fam $qname $qtype: truncated (TC) answer" >&2; failed=1
  elif [ "$qtype" = TXT ] && [ "${size:-0}" -lt 3000 ]; then
    echo "error: $transport$fam $qname TXT: answer is ${size:-0} bytes, expected ~3200" >&2; failed=1
  fi
}

for fam in 4 6; do
  if [ $fam = 4 ]; then server=198.18.0.2; else server=2001:db8:53::2; fi
  query $fam $server udp a.sonde.test A NOERROR
  query $fam $server udp aaaa.sonde.test AAAA NOERROR
  query $fam $server udp big.sonde.test TXT NOERROR +bufsize=4096   # ~3.2 kB: IP-fragmented at MTU 1500
  query $fam $server tcp a.sonde.test A NOERROR
  query $fam $server udp nx.sonde.test A NXDOMAIN
done

# Off-port UDP, sent with bash's /dev/udp (connected UDP socket, one write = one datagram).
# Port 5353: a well-formed DNS query (id 0x5353, a.sonde.test A) that a decoder must skip when filtering on
# port 53. Port 9999: plain text. Nothing listens there; the ICMP port-unreachable replies stay inside.
dnsq='\x53\x53\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x05sonde\x04test\x00\x00\x01\x00\x01'
for server in 198.18.0.2 2001:db8:53::2; do
  ip netns exec "$NSA" bash -c '
    for i in 1 2 3; do
      printf "$2" >"/dev/udp/$1/5353"
      printf "sonde off-port test datagram %s\n" "$i" >"/dev/udp/$1/9999"
    done' _ "$server" "$dnsq"
  echo "# off-port: 3 UDP datagrams to $server port 5353 (DNS query a.sonde.test A), 3 to port 9999 (text)" >&2
done

exit $failed
