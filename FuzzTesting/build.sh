#!/usr/bin/env bash
# Builds every fuzz target with libFuzzer and AddressSanitizer (release, so that the fuzzer runs the code as
# shipped) and prints the folder that holds them. run.sh and make-seeds.sh call it; a build takes a few minutes.
#
# Swift on Linux: -sanitize=fuzzer links libFuzzer and instruments every module for coverage; -parse-as-library
# because the targets have @main; -DSONDE_LIBFUZZER makes that main hand over to LLVMFuzzerRunDriver (SwiftPM
# renames an executable's main, so libFuzzer's own main would never run).
set -euo pipefail
cd "$(dirname "$0")"
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DSONDE_LIBFUZZER)
nice -n 10 swift build "${flags[@]}" >&2
swift build "${flags[@]}" --show-bin-path
