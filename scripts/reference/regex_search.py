#!/usr/bin/env python3
"""Reference answers for ByteRegex: Python's re.search on bytes patterns and byte strings.

Reads JSON on stdin: {"cases": [{"pattern": HEX, "ignorecase": BOOL, "inputs": [HEX, ...]}, ...]}
Writes JSON on stdout: one entry a case, either {"results": [BOOL, ...]} or {"error": MESSAGE, "pos": INT}.
Hex keeps every byte (NUL, 0xFF, newline) intact across the pipe. Needs only the standard library.
"""
import json
import re
import sys
import warnings


def main() -> None:
    request = json.load(sys.stdin)
    answers = []
    warnings.simplefilter("ignore")  # FutureWarning on sets such as [--], irrelevant to the answer
    for case in request["cases"]:
        pattern = bytes.fromhex(case["pattern"])
        flags = re.IGNORECASE if case.get("ignorecase") else 0
        try:
            compiled = re.compile(pattern, flags)
        except (re.error, OverflowError) as error:
            answers.append({"error": str(error), "pos": getattr(error, "pos", None)})
            continue
        answers.append({"results": [compiled.search(bytes.fromhex(h)) is not None for h in case["inputs"]]})
    json.dump({"answers": answers}, sys.stdout)


if __name__ == "__main__":
    main()
