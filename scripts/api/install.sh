#!/usr/bin/env bash
# install.sh: installs what the API's tests talk to — a Prometheus server that scrapes Sonde, headless Chromium
# that renders the dashboard, tmux for `sonde top`, collectd (its statsd plugin receives the statsd push), curl (Debian), and schemathesis (PyPI), which checks the routes against the OpenAPI
# document. Does nothing when all are present. Run as root (apt-get); pip installs for the python3 on the PATH.
set -euo pipefail
pkgs=(prometheus chromium curl tmux collectd-core)
missing=$( { dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true; } | awk '$2 == "installed" { print $1 }' |
          sort | comm -13 - <(printf '%s\n' "${pkgs[@]}" | sort) | tr '\n' ' ')
if [ -n "${missing// /}" ]; then
  echo "api/install.sh: installing $missing" >&2
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
# Debian starts the Prometheus it installs; the tests start their own, on a port of their choosing.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then systemctl stop prometheus || true; fi
pkill -x prometheus 2>/dev/null || true
wanted=schemathesis==4.32.5
if ! python3 -c 'from importlib.metadata import version; import sys; sys.exit(version("schemathesis") != "4.32.5")' 2>/dev/null; then
  echo "api/install.sh: installing $wanted" >&2
  python3 -m pip install --quiet "$wanted"
fi
