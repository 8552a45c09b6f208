#!/usr/bin/env bash
# Install (Debian/Ubuntu, as root) the tools the network-namespace test hosts and the live-capture benchmark use.
# Idempotent: checks each command first and runs apt-get (and apt-get update, once) only when something is missing.
#
#   scripts/netns/install.sh
set -euo pipefail

# command -> Debian package that provides it
declare -A pkg_of=(
  [ip]=iproute2 [tc]=iproute2
  [tcpdump]=tcpdump
  [tcpreplay]=tcpreplay [tcprewrite]=tcpreplay [tcpprep]=tcpreplay
  [unbound]=unbound
  [dig]=dnsutils
  [dnsperf]=dnsperf
  [ethtool]=ethtool
  [nc]=netcat-openbsd
  [nft]=nftables
  [python3]=python3
  [capsh]=libcap2-bin [setcap]=libcap2-bin
  [setpriv]=util-linux
  [curl]=curl
)
# unbound and friends live in /usr/sbin, which is not always on a non-root PATH
export PATH="$PATH:/usr/sbin:/sbin"

missing=()
for cmd in "${!pkg_of[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg_of[$cmd]}")
done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -eq 0 ]; then
  echo "netns tools: all present"
  exit 0
fi
# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "netns tools: installing ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing packages (${missing[*]}) and not root; run as root or install them by hand" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing packages (${missing[*]}) and no apt-get on this system; install them by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq; then
  echo "error: apt-get update failed; cannot install ${missing[*]}" >&2
  exit 1
fi
# tcpreplay's postinst asks nothing, but unbound's may try to start a service: policy-rc.d is not ours to
# touch, and a failed service start does not make apt-get fail on Debian 12, so plain install is fine.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "error: apt-get install ${missing[*]} failed" >&2
  exit 1
fi

# verify
still=()
for cmd in "${!pkg_of[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || still+=("$cmd")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "error: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "netns tools: ok"
