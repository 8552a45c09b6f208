#!/usr/bin/env bash
# install.sh: installs the DNS servers and dnstap tools the emitter scripts need, from Debian's packages.
# Does nothing (one dpkg-query) when they are all installed. Must run as root. No service is started: the
# scripts start the servers themselves.
set -euo pipefail
pkgs=(unbound bind9 knot knot-module-dnstap knot-resolver dnsdist fstrm-bin golang-github-dnstap-golang-dnstap-cli
      dnsperf dnstap-ldns bind9-dnsutils knot-dnsutils iproute2 jq openssl)
missing=$( { dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true; } | awk '$2 == "installed" { print $1 }' |
          sort | comm -13 - <(printf '%s\n' "${pkgs[@]}" | sort) | tr '\n' ' ')
[ -n "$missing" ] || exit 0
echo "install.sh: installing $missing" >&2
# Keep the packages' maintainer scripts from starting the daemons (on port 53) while we install them.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
