#!/usr/bin/env bash
# selftest.sh [CASE...]: proves the emitter tooling without Sonde. For each case (default: all five servers over a
# unix socket, plus unbound and dnsdist over TCP) it starts fstrm_capture, then the server (start.sh), runs
# queries.sh, stops the server (stop.sh) and then fstrm_capture (SIGINT, which flushes), decodes the capture with the
# golang `dnstap` tool, and checks that every query appears exactly once as a query message and once as a response
# message with the same qname, qtype, transport and the rcode dig saw, with identity NAME. Exits non-zero on any
# mismatch. CASE is NAME or NAME:tcp. Needs fstrm_capture, dnstap, jq (install.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(unbound bind knot kresd dnsdist unbound:tcp dnsdist:tcp)
tcpport=${SELFTEST_TCP_PORT:-5339}
top=$(mktemp -d "${TMPDIR:-/tmp}/sonde-emitters.XXXXXX")
cap=""
cleanup() {
  for d in "$top"/*/; do [ -f "$d/server/pids" ] && "$here/stop.sh" "$d/server" || true; done
  [ -z "$cap" ] || kill -INT "$cap" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$top"
}
trap cleanup EXIT

failed=0
for c in "${cases[@]}"; do
  name=${c%:tcp}
  d=$top/${c/:/-}; mkdir -p "$d"
  # Message types: BIND 9.18 logs AUTH_QUERY but answers to RD=1 queries (dig's default) as CLIENT_RESPONSE.
  case $name in knot) qt=AUTH_QUERY rt=AUTH_RESPONSE ;; bind) qt=AUTH_QUERY rt=CLIENT_RESPONSE ;;
                *) qt=CLIENT_QUERY rt=CLIENT_RESPONSE ;; esac
  if [ "$c" != "$name" ]; then
    target=tcp:127.0.0.1:$tcpport
    fstrm_capture -t protobuf:dnstap.Dnstap -a 127.0.0.1 -p "$tcpport" -w "$d/tap.fstrm" 2>"$d/capture.log" & cap=$!
    up() { ss -Htln "( sport = :$tcpport )" | grep -q .; }
  else
    target=unix:$d/tap.sock
    fstrm_capture -t protobuf:dnstap.Dnstap -u "$d/tap.sock" -w "$d/tap.fstrm" 2>"$d/capture.log" & cap=$!
    up() { [ -S "$d/tap.sock" ]; }
  fi
  for _ in $(seq 50); do up && break; sleep 0.1; done

  ok=1
  if line=$("$here/start.sh" "$name" "$d/server" "$target" 2>"$d/start.err"); then
    read -r _ ip port <<<"$line"
    "$here/queries.sh" "$ip" "$port" "$d/queries.txt" || ok=0
    "$here/stop.sh" "$d/server"
  else
    cat "$d/start.err" >&2; ok=0; : > "$d/queries.txt"
  fi
  kill -INT "$cap"; wait "$cap" || true; cap=""

  # What the server should have logged, from what dig saw: one query and one response per line of queries.txt.
  awk -v q="$qt" -v r="$rt" '{ t = toupper($3); print q " " $1 " " $2 " " t; print r " " $1 " " $2 " " t " " $4 }' \
    "$d/queries.txt" | sort > "$d/expected.txt"
  # dig must have seen the fixed answers: NXDOMAIN for the nx* names, NOERROR for the others.
  if awk '{ want = ($1 ~ /(^|\.)nx[0-9]/) ? "NXDOMAIN" : "NOERROR"; if ($4 != want) { print "unexpected rcode: " $0; bad = 1 } }
          END { exit bad }' "$d/queries.txt" >&2; then :; else ok=0; fi
  # What it did log (minus start.sh's readiness probes), from the golang dnstap tool's JSON.
  dnstap -r "$d/tap.fstrm" -j 2>/dev/null > "$d/tap.json" || true
  jq -r --arg id "$name" 'select(.type == "MESSAGE") | .message as $m
      | ($m.query_message // $m.response_message // "") as $txt
      | ($txt | capture(";(?<n>[^\t ]+)\\s+IN\\s+(?<t>[A-Z0-9]+)") // {n: "?", t: "?"}) as $q
      | select($q.n != "_sonde-probe.example.test.")
      | [$m.type, $q.n, $q.t, $m.socket_protocol,
         (if ($m.type | endswith("RESPONSE")) then ($txt | capture("status: (?<r>[A-Z]+)").r) else empty end),
         (if .identity == $id then empty else "identity=\(.identity)" end)] | join(" ")' \
    "$d/tap.json" | sort > "$d/actual.txt"
  probes=$(jq -r '.message.query_message // .message.response_message' "$d/tap.json" | grep -c '^;_sonde-probe' || true)
  counts=$(awk '{ print $1 }' "$d/actual.txt" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = " + " }')
  if ! diff -u "$d/expected.txt" "$d/actual.txt" > "$d/diff.txt"; then
    ok=0; echo "$c: dnstap does not match the queries (- expected, + logged):" >&2; grep '^[-+][A-Z]' "$d/diff.txt" >&2 || true
  fi
  [ "$(wc -l < "$d/queries.txt")" = 20 ] || ok=0
  if [ $ok = 1 ]; then
    echo "PASS $c: 20 queries -> ${counts} (+ $probes probe messages)"
  else
    echo "FAIL $c: ${counts:-nothing logged} (files in $d)"; failed=1; KEEP=1
  fi
done
[ $failed = 0 ] || { echo "selftest FAILED (kept $top)"; exit 1; }
echo "selftest passed"
