#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60) on a copy of its seeds; exits 1 if any target
# crashes, leaks, times out or fails a check, with the path of the input that did it.
#
#   FuzzTesting/run.sh [SECONDS]
#
# Known crashers in Regressions/<Target>/ are replayed first. A new crasher is left in
# .build/fuzz-artifacts/<Target>/: reproduce it with `.build/release/<Target> FILE` (or the plain `swift run
# <Target> FILE` replay tool), copy it to Regressions/<Target>/, and fix the code.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=(FuzzDNSMessage FuzzPacket FuzzCaptureFile FuzzTCPReassembly FuzzDnstap FuzzMaxMindDB)
bin=$(./build.sh)
# Swift's own crash reporter would hold a crashing process for a backtrace; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
artifacts=$PWD/.build/fuzz-artifacts
status=0
summary=()
for target in "${targets[@]}"; do
  mkdir -p "$artifacts/$target"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  regressions=(Regressions/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $target: replaying ${#regressions[@]} known crashers"
    if ! nice -n 10 "$bin/$target" -runs=1 "${regressions[@]}" >"$work/replay.log" 2>&1; then
      tail -40 "$work/replay.log"
      echo "FAIL $target: a crasher in Regressions/$target/ still fails"
      summary+=("$target: known crasher still fails")
      status=1
      continue
    fi
  fi
  mkdir -p "$work/corpus"
  cp Seeds/"$target"/* "$work/corpus/"
  echo "== $target: fuzzing for ${seconds}s"
  set +e
  nice -n 10 "$bin/$target" "$work/corpus" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target/" >"$work/fuzz.log" 2>&1
  rc=$?
  set -e
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)" "$work/fuzz.log" | tail -2 || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log")
  cov=$(grep -oE "cov: [0-9]+" "$work/fuzz.log" | tail -1 || true)
  crasher=$(grep -oE "Test unit written to .*" "$work/fuzz.log" | sed 's/Test unit written to //' | tail -1 || true)
  if [ "$rc" -ne 0 ] || [ -n "$crasher" ]; then
    # The check's message (it may span lines), or the sanitizer's report with its first frames.
    awk '/Fatal error/ {p = 1} /^==[0-9]+==/ {p = 0} p' "$work/fuzz.log" | head -20
    grep -A 12 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer: (timeout|out-of-memory))" "$work/fuzz.log" | head -14 || true
    echo "FAIL $target (exit $rc): crasher ${crasher:-not written}"
    summary+=("$target: FAIL, crasher ${crasher:-not written}")
    status=1
  else
    summary+=("$target: ok, ${runs:-?} runs, ${rate:-?} exec/s, ${cov:-cov: ?}")
  fi
  rm -rf "$work"
  trap - EXIT
done
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit $status
