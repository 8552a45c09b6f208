#!/usr/bin/env bash
# queries.sh IP PORT OUTFILE: sends a fixed set of 20 queries for example.test. names (14 over UDP, 6 over TCP), one
# at a time with dig, and writes one line per query to OUTFILE: "qname qtype transport rcode" (rcode as dig saw it,
# "TIMEOUT" when there was no answer), and dig's whole output to OUTFILE.dig. Exits non-zero if any query got no answer.
# A reply without the QR flag is dig's own query come back to it (the kernel gave dig the server's port as its
# source port; see start.sh): it never reached the server, so queries.sh says so on stderr and asks again (3 tries).
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 IP PORT OUTFILE" >&2; exit 2; }
ip=$1 port=$2 out=$3
: > "$out"
: > "$out.dig"
status=0
while read -r qname qtype transport; do
  flag=+notcp; [ "$transport" = tcp ] && flag=+tcp
  for try in 1 2 3; do
    reply=$(dig +time=2 +tries=1 "$flag" -p "$port" "@$ip" "$qname" "$qtype" 2>&1 || true)
    printf '%s\n' "$reply" >> "$out.dig"
    rcode=$(sed -n 's/.*->>HEADER<<-.* status: \([A-Z]*\),.*/\1/p' <<<"$reply")
    flags=$(sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' <<<"$reply")
    [ -n "$rcode" ] && [[ " $flags " != *" qr "* ]] || break
    echo "queries.sh: $qname $qtype $transport: the reply is dig's own query (flags: $flags), not the server's answer; asking again" >&2
    rcode=NOTANSWERED
  done
  [ -n "$rcode" ] || rcode=TIMEOUT
  [ "$rcode" != TIMEOUT ] && [ "$rcode" != NOTANSWERED ] || status=1
  echo "$qname $qtype $transport $rcode" >> "$out"
done <<'LIST'
www.example.test. A udp
www.example.test. AAAA udp
mail.example.test. A udp
mail.example.test. AAAA udp
ns.example.test. A udp
example.test. MX udp
example.test. TXT udp
txt.example.test. TXT udp
nx1.example.test. A udp
nx2.example.test. AAAA udp
nx3.example.test. MX udp
nx4.example.test. TXT udp
deep.nx5.example.test. A udp
www.example.test. A udp
www.example.test. A tcp
mail.example.test. AAAA tcp
example.test. MX tcp
txt.example.test. TXT tcp
nx6.example.test. A tcp
nx7.example.test. TXT tcp
LIST
exit $status
