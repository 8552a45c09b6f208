#!/usr/bin/env bash
# Runs every test: unit tests, the shared-corpus cross-checks against tshark and the golang dnstap tool, the
# reference checks against yacryptopan, publicsuffixlist and maxminddb (PyPI) and the compression tools, the
# command-line tests, the API against Prometheus, headless Chromium and schemathesis, the integration tests against real software (Unbound, BIND, Knot DNS, Knot Resolver, dnsdist,
# fstrm tools, the golang dnstap tool, openssl: installed here from Debian's packages when missing), live capture
# in network namespaces it creates (Unbound, dig, dnsperf, tcpdump; needs root), and (in CI, or
# when FUZZ_SECONDS is set) each libFuzzer target for FUZZ_SECONDS (CI: 60) seconds.
# Needs only the Swift toolchain (and root, or sudo, for apt-get). In CI (CI=true) nothing may be skipped: a missing
# corpus or server fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ] && [ ! -d ../shared/corpus ]; then
  echo "CI: ../shared/corpus is missing; the corpus tests cannot be skipped in CI" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  bash scripts/emitters/install.sh || { echo "cannot install the integration tests' servers and tools" >&2; exit 1; }
  bash scripts/netns/install.sh || { echo "cannot install the live-capture tests' tools" >&2; exit 1; }
  bash scripts/reference/install.sh || { echo "cannot install the reference checks' tools and Python packages" >&2; exit 1; }
  bash scripts/api/install.sh || { echo "cannot install the API tests' servers and tools" >&2; exit 1; }
elif command -v sudo >/dev/null; then
  sudo bash scripts/emitters/install.sh || { echo "cannot install the integration tests' servers and tools" >&2; exit 1; }
  sudo bash scripts/netns/install.sh || { echo "cannot install the live-capture tests' tools" >&2; exit 1; }
  sudo bash scripts/reference/install.sh || { echo "cannot install the reference checks' tools and Python packages" >&2; exit 1; }
  sudo bash scripts/api/install.sh || { echo "cannot install the API tests' servers and tools" >&2; exit 1; }
else
  echo "not root and no sudo: integration tests whose servers are missing will be skipped" >&2
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
