#!/usr/bin/env bash
# Runs every test: unit tests, the shared-corpus cross-checks against tshark, the command-line tests, and (in CI,
# or when FUZZ_SECONDS is set) each libFuzzer target for FUZZ_SECONDS (CI: 60) seconds.
# Needs only the Swift toolchain. In CI (CI=true) nothing may be skipped: a missing corpus fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ] && [ ! -d ../shared/corpus ]; then
  echo "CI: ../shared/corpus is missing; the corpus tests cannot be skipped in CI" >&2
  exit 1
fi
swift build --build-tests || exit 1
log=$(mktemp)
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "${CI:-}" = "true" ] && grep -qE "Test Case .* skipped" "$log"; then
  echo "CI: some tests were skipped; in CI nothing may be skipped:" >&2
  grep -E "Test Case .* skipped" "$log" >&2
  status=1
fi
passed=$(grep -cE "^Test Case .* passed" "$log")
failed=$(grep -cE "^Test Case .* failed" "$log")
rm -f "$log"
fuzz_seconds=${FUZZ_SECONDS:-}
[ "${CI:-}" = "true" ] && fuzz_seconds=${fuzz_seconds:-60}
if [ -n "$fuzz_seconds" ] && [ "$status" = 0 ]; then
  if bash FuzzTesting/run.sh "$fuzz_seconds"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    status=1
  fi
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
