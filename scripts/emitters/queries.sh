#!/usr/bin/env bash
# queries.sh IP PORT OUTFILE: sends a fixed set of 20 queries for example.test. names (14 over UDP, 6 over TCP), one
# at a time with dig, and writes one line per query to OUTFILE: "qname qtype transport rcode" (rcode as dig saw it,
# "TIMEOUT" when there was no answer). Exits non-zero if any query got no answer.
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 IP PORT OUTFILE" >&2; exit 2; }
ip=$1 port=$2 out=$3
: > "$out"
status=0
while read -r qname qtype transport; do
  flag=+notcp; [ "$transport" = tcp ] && flag=+tcp
  rcode=$(dig +time=2 +tries=1 "$flag" -p "$port" "@$ip" "$qname" "$qtype" 2>/dev/null |
          sed -n 's/.*->>HEADER<<-.* status: \([A-Z]*\),.*/\1/p' || true)
  [ -n "$rcode" ] || { rcode=TIMEOUT; status=1; }
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
