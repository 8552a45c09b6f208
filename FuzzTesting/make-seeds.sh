#!/usr/bin/env bash
# Regenerates Seeds/<Target>/: the hand-made hostile inputs of make-seeds.py and make-dnstap-seeds.py, plus the inputs
# cut from the shared captures (../../shared/corpus/pcap, or $SONDE_CORPUS) and dnstap files (../dnstap beside them,
# or $SONDE_DNSTAP_CORPUS) that add coverage edges, as libFuzzer's -merge picks them.
# Builds the fuzz targets first (see build.sh). Keep each folder under ~200 files and 1 MB.
set -euo pipefail
cd "$(dirname "$0")"
corpus=${SONDE_CORPUS:-../../shared/corpus/pcap}
[ -d "$corpus" ] || { echo "no capture corpus at $corpus (set SONDE_CORPUS)" >&2; exit 1; }
bin=$(./build.sh)
candidates=$(mktemp -d)
trap 'rm -rf "$candidates"' EXIT
rm -rf Seeds
python3 make-seeds.py "$corpus" "$candidates" Seeds
python3 make-dnstap-seeds.py "${SONDE_DNSTAP_CORPUS:-$corpus/../dnstap}" "$candidates" Seeds
export SWIFT_BACKTRACE=enable=no
for target in FuzzDNSMessage FuzzPacket FuzzCaptureFile FuzzTCPReassembly FuzzDnstap; do
  nice -n 10 "$bin/$target" -merge=1 -use_counters=0 -timeout=5 -rss_limit_mb=2048 "Seeds/$target" "$candidates/$target" \
    >"$candidates/$target.log" 2>&1 || { tail -20 "$candidates/$target.log"; exit 1; }
  echo "$target: $(ls "Seeds/$target" | wc -l) seeds, $(du -s --apparent-size -k "Seeds/$target" | cut -f1) KB"
done
