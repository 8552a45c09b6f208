#!/usr/bin/env bash
# Makes samples/sample.pcap from real DNS software: Knot DNS (authoritative for sample.test) answers dig and
# kdig queries inside a private network namespace while tcpdump captures its loopback. Nothing leaves the
# namespace. Needs root and Debian's knot, knot-dnsutils, dnsutils, tcpdump and iproute2.
#
#   sudo scripts/make-sample.sh            (writes samples/sample.pcap)
set -euo pipefail
cd "$(dirname "$0")/.."
for cmd in knotd dig kdig tcpdump ip; do
  command -v "$cmd" >/dev/null || { echo "missing $cmd: apt-get install knot knot-dnsutils dnsutils tcpdump iproute2" >&2; exit 1; }
done
ns=sonde-sample-$$
work=$(mktemp -d)
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

cat > "$work/sample.test.zone" <<'ZONE'
$ORIGIN sample.test.
$TTL 300
@       SOA   ns1 hostmaster 2026112101 3600 900 604800 300
@       NS    ns1
ns1     A     127.0.0.1
@       A     192.0.2.10
@       AAAA  2001:db8::10
@       MX    10 mail
@       MX    20 mail2
@       TXT   "v=spf1 -all"
@       TXT   "a \"quoted\" string" "and\\backslash"
@       CAA   0 issue "letsencrypt.org"
mail    A     192.0.2.25
mail2   A     192.0.2.26
www     CNAME @
_sip._udp SRV 10 60 5060 sip
sip     A     192.0.2.50
@       HTTPS 1 . alpn="h2,h3" ipv4hint=192.0.2.10
big     TXT   "0123456789012345678901234567890123456789012345678901234567890123456789"
big     TXT   "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrst"
big     TXT   "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRST"
big     TXT   "the quick brown fox jumps over the lazy dog, the quick brown fox jumps over"
big     TXT   "pack my box with five dozen liquor jugs, pack my box with five dozen liquor"
big     TXT   "sphinx of black quartz, judge my vow; sphinx of black quartz, judge my vow."
big     TXT   "how vexingly quick daft zebras jump! how vexingly quick daft zebras jump!!!"
ZONE
cat > "$work/knot.conf" <<CONF
server:
    rundir: "$work"
    listen: [ 127.0.0.1@53, ::1@53 ]
    udp-max-payload: 1232
database:
    storage: "$work"
zone:
  - domain: sample.test
    file: "$work/sample.test.zone"
log:
  - target: stderr
    any: warning
CONF
ip netns exec "$ns" knotd -c "$work/knot.conf" -d
ip netns exec "$ns" ip addr add ::1/128 dev lo 2>/dev/null || true
sleep 1
ip netns exec "$ns" tcpdump -i lo -s0 -U -w "$work/sample.pcap" 'port 53' 2>/dev/null &
sleep 1
q() { ip netns exec "$ns" "$@" >/dev/null || true; }
q dig @127.0.0.1 sample.test A
q dig @127.0.0.1 sample.test AAAA +dnssec
q dig @127.0.0.1 sample.test MX
q dig @127.0.0.1 sample.test TXT
q dig @127.0.0.1 sample.test CAA
q dig @127.0.0.1 sample.test HTTPS
q dig @127.0.0.1 sample.test SOA +nsid
q dig @127.0.0.1 www.sample.test A
q dig @127.0.0.1 _sip._udp.sample.test SRV
q dig @127.0.0.1 nope.sample.test A
q dig @127.0.0.1 other.example A
q dig @127.0.0.1 sample.test NS +subnet=198.51.100.0/24
q dig @127.0.0.1 big.sample.test TXT +noedns
q dig @127.0.0.1 big.sample.test TXT +tcp
q dig @::1 sample.test AAAA
q dig @::1 MiXeD.SaMpLe.TeSt A
q kdig @127.0.0.1 +tcp +keepopen sample.test A sample.test MX
q dig @127.0.0.1 sample.test A +edns=1
sleep 1
kill %1 2>/dev/null || true
wait 2>/dev/null || true
cp "$work/sample.pcap" samples/sample.pcap
echo "wrote samples/sample.pcap ($(stat -c %s samples/sample.pcap) bytes)"
