#!/usr/bin/env bash
# install.sh: installs what the reference checks need — the tools and files from Debian (the public suffix list,
# the compressors, time zones, tshark for the DNS-over-TCP captures with holes) and the Python packages the tests compare Sonde with (yacryptopan,
# publicsuffixlist, maxminddb with the GeoLite2 database, mmdb-writer). Does nothing when all are present. Run as
# root (apt-get); pip installs for the python3 on the PATH.
set -euo pipefail
pkgs=(publicsuffix gzip zstd xz-utils lz4 bzip2 tzdata tshark python3 python3-pip)
missing=$( { dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true; } | awk '$2 == "installed" { print $1 }' |
          sort | comm -13 - <(printf '%s\n' "${pkgs[@]}" | sort) | tr '\n' ' ')
if [ -n "$missing" ]; then
  # python3 may come from elsewhere (pyenv); only the Debian tools are then missing.
  if command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -vE '^python3(-pip)?$' | tr '\n' ' ' || true)
  fi
fi
if [ -n "${missing// /}" ]; then
  echo "reference/install.sh: installing $missing" >&2
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
# The versions the checks were written against (mmdb-writer's record size is set through a private API).
wanted=(yacryptopan==1.0.2 publicsuffixlist==1.1.2.20261023 maxminddb==3.3.0 maxminddb-geolite2==2018.703 mmdb-writer==0.2.7)
if ! python3 - "${wanted[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for w in sys.argv[1:]:
    name, v = w.split("==")
    if version(name) != v: sys.exit(1)
PY
then
  echo "reference/install.sh: installing ${wanted[*]}" >&2
  python3 -m pip install --quiet "${wanted[@]}"
fi
