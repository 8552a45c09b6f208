#ifndef SONDE_CLIBFUZZER_H
#define SONDE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs that have their own main (compiler-rt FuzzerInterface.h). SwiftPM names
/// an executable's main `<Target>_main` and links `main` to it, so libFuzzer's own main is never the one that runs:
/// each target's main calls this instead. Defined only when linked with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
