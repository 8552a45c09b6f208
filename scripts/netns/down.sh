#!/usr/bin/env bash
# Remove the two test namespaces made by up.sh (and with them the veth pair). Never fails when nothing exists.
#
#   NETNS_PREFIX=sonde scripts/netns/down.sh
set -euo pipefail
P=${NETNS_PREFIX:-sonde}

for ns in "$P-a" "$P-b"; do
  [ -e "/run/netns/$ns" ] || continue
  # Processes still inside (an Unbound, a capturer) would keep the namespace and its veth alive after
  # `ip netns del`: stop them first, by pid, TERM then KILL.
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    for _ in $(seq 30); do
      [ -z "$(ip netns pids "$ns" 2>/dev/null || true)" ] && break
      sleep 0.1
    done
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
done
# a half-made pair left in the root namespace by an interrupted up.sh
for ifc in "${P}a0" "${P}b0"; do
  ip link del "$ifc" 2>/dev/null || true
done
exit 0
