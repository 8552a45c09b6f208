#!/usr/bin/env bash
# Sonde's hand dnstap decoder (DnstapLayout) against swift-protobuf's generated code: agreement and speed.
#
#   Benchmarks/dnstap-protobuf/run.sh [--skip-protoc] [--unchecked] [--runs N] [PAIRS]
#
#   PAIRS          query/response pairs of the generated dnstap file (default 200000, i.e. 400000 messages)
#   --skip-protoc  use the committed Sources/DnstapProto/dnstap.pb.swift; otherwise it is generated again
#                  (protoc from Debian's protobuf-compiler, protoc-gen-swift built here from swift-protobuf)
#   --unchecked    also time a build with -enforce-exclusivity=unchecked (swift-protobuf's best case)
#   --runs N       timed runs per mode, the best reported (default 5)
#
# Release builds only. Needs swift, python3, and cc for the allocation count (skipped without it).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
repo=$here/../..
shared=${SHARED:-$repo/../shared}

pairs=200000
runs=5
skip_protoc=0
unchecked=0
while [ $# -gt 0 ]; do
  case $1 in
    --skip-protoc) skip_protoc=1 ;;
    --unchecked) unchecked=1 ;;
    --runs) runs=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) pairs=$1 ;;
  esac
  shift
done

# 1. The hand decoder: Sources/DnstapHand links to the repository's own files, so the current one is measured.

# 2. The generated code.
if [ "$skip_protoc" = 0 ]; then
  if ! command -v protoc >/dev/null; then
    echo "no protoc (apt-get install -y protobuf-compiler): using the committed dnstap.pb.swift" >&2
  else
    plugin=$(swift build -c release --show-bin-path)/protoc-gen-swift
    if [ ! -x "$plugin" ]; then
      echo "building protoc-gen-swift (swift-protobuf, as pinned in Package.swift)..." >&2
      swift build -c release --product protoc-gen-swift >&2
    fi
    before=$(cksum < Sources/DnstapProto/dnstap.pb.swift 2>/dev/null || true)
    protoc --plugin=protoc-gen-swift="$plugin" --swift_out=Sources/DnstapProto --swift_opt=Visibility=Public dnstap.proto
    after=$(cksum < Sources/DnstapProto/dnstap.pb.swift)
    [ "$before" = "$after" ] || echo "note: dnstap.pb.swift changed from the committed one" >&2
  fi
fi

# 3. Inputs: a generated file (cached in .build/) and the recorded unbound file; the other corpus files are only
#    checked for agreement.
gen=.build/gen-$pairs.dnstap
mkdir -p .build
if [ ! -s "$gen" ]; then
  [ -f "$shared/tools/gen_dnstap.py" ] || { echo "needs $shared/tools/gen_dnstap.py (or SHARED=...)" >&2; exit 1; }
  echo "generating $gen ($pairs pairs)..." >&2
  python3 "$shared/tools/gen_dnstap.py" "$pairs" -o "$gen" --seed 1 >&2
fi
timed=("$gen")
checked=("$gen")
for f in "$shared"/corpus/dnstap/*.dnstap; do
  [ -f "$f" ] || continue
  checked+=("$f")
  case $f in */unbound.dnstap) timed+=("$f") ;; esac
done
python3 edge-cases.py .build/edge-cases.dnstap

# 4. Build and run.
swift build -c release --product dnstap-protobuf-bench >&2
bench=$(swift build -c release --show-bin-path)/dnstap-protobuf-bench

echo "## Agreement, field by field, every frame"
"$bench" --check-only "${checked[@]}"
echo
echo "## Edge cases (.build/edge-cases.dnstap.txt names them; these need not agree, see README.md)"
"$bench" --check-only .build/edge-cases.dnstap | grep -v '^$' || true
echo
echo "## Damaged frames (where the two decoders part ways)"
"$bench" --check-only --damage 2000 "${timed[@]}" | grep -v '^agreement\|^$\|^==' || true
echo
echo "## Speed (CPU time of the decoding thread, best of $runs)"
"$bench" --runs "$runs" "${timed[@]}" | grep -v '^agreement'

if command -v cc >/dev/null; then
  cc -O2 -shared -fPIC -o .build/libmallocs.so mallocs.c
  echo
  echo "## Heap allocations (malloc, calloc, realloc, memalign calls) per message"
  LD_PRELOAD=$here/.build/libmallocs.so "$bench" --allocs "${timed[@]}"
fi

if [ "$unchecked" = 1 ]; then
  scratch=.build/unchecked
  swift build -c release --scratch-path "$scratch" -Xswiftc -enforce-exclusivity=unchecked \
    --product dnstap-protobuf-bench >&2
  echo
  echo "## Speed, every module built with -enforce-exclusivity=unchecked"
  "$scratch/release/dnstap-protobuf-bench" --runs "$runs" "${timed[@]}" | grep -v '^agreement'
fi
