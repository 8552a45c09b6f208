#!/usr/bin/env bash
# stop.sh WORKDIR: stops the server(s) start.sh started in WORKDIR (WORKDIR/pids), with SIGTERM, and waits for them
# to exit (SIGKILL after 10 s). BIND, Knot and kresd flush their dnstap queue and send the Frame Streams STOP on
# SIGTERM; Unbound sends STOP but drops what is still queued, and dnsdist just closes the connection, so for those two
# we first wait 2.5 s, longer than their ~1-2 s delivery delay (see README.md).
set -euo pipefail
[ $# = 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
pids=$1/pids
[ -f "$pids" ] || exit 0
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*zombie' "/proc/$1/status" 2>/dev/null; }
while read -r pid name; do
  alive "$pid" || continue
  case $name in unbound|dnsdist) sleep 2.5 ;; esac
  kill -TERM "$pid"
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    echo "stop.sh: $name ($pid) did not exit after SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
done < "$pids"
rm -f "$pids"
