#!/usr/bin/env python3
"""Reference answers for Sonde's Public Suffix List tests.

  publicsuffix_reference.py lookup --list FILE [--icann-only] < names
      For each name on standard input (one per line, bytes, presentation form: labels separated by dots that
      are not escaped by a backslash, one trailing dot ignored), prints `PUBLICSUFFIX<TAB>PRIVATESUFFIX`, as
      the PyPI package `publicsuffixlist` computes them over FILE, `-` for None.

  publicsuffix_reference.py punycode < names
      For each Unicode name on standard input (UTF-8), prints `IDNA<TAB>PUNYCODE`: Python's IDNA 2003 codec
      (`name.encode('idna')`) and, label by label, `xn--` plus `encodings.punycode` for non-ASCII labels.
      `ERROR` replaces a form Python refuses.

Needs `pip install publicsuffixlist` for `lookup` (exit status 3 when it is missing).
"""

import argparse
import sys


def split_labels(name: bytes):
    """Splits at dots not escaped by an odd run of backslashes (RFC 1035 section 5.1)."""
    labels, current, backslashes = [], bytearray(), 0
    for byte in name:
        if byte == 0x2E and backslashes % 2 == 0:
            labels.append(bytes(current))
            current = bytearray()
        else:
            current.append(byte)
        backslashes = backslashes + 1 if byte == 0x5C else 0
    labels.append(bytes(current))
    return labels


def read_lines():
    """Standard input's lines; a final newline ends the last line, it does not start an empty one."""
    data = sys.stdin.buffer.read()
    if data.endswith(b"\n"):
        data = data[:-1]
    return data.split(b"\n")


def lookup(args):
    try:
        from publicsuffixlist import PublicSuffixList
    except ImportError:
        print("publicsuffixlist is not installed: pip install publicsuffixlist", file=sys.stderr)
        sys.exit(3)
    with open(args.list, "rb") as source:
        psl = PublicSuffixList(source, only_icann=args.icann_only)
    out = sys.stdout.buffer
    for line in read_lines():
        labels = split_labels(line)
        # One trailing dot is ignored, as Sonde does; the package does the same for str input only.
        if len(labels) > 1 and labels[-1] == b"":
            labels.pop()
        public = psl.publicsuffix(tuple(labels))
        private = psl.privatesuffix(tuple(labels))
        out.write(b".".join(public) if public is not None else b"-")
        out.write(b"\t")
        out.write(b".".join(private) if private is not None else b"-")
        out.write(b"\n")


def punycode(_args):
    for line in (raw.decode("utf-8") for raw in read_lines()):
        try:
            idna = line.encode("idna").decode("ascii")
        except UnicodeError:
            idna = "ERROR"
        try:
            per_label = ".".join(
                label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
                for label in line.split(".")
            )
        except UnicodeError:
            per_label = "ERROR"
        print(f"{idna}\t{per_label}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    lookup_parser = commands.add_parser("lookup")
    lookup_parser.add_argument("--list", required=True, help="the public_suffix_list.dat file")
    lookup_parser.add_argument("--icann-only", action="store_true", help="ignore the PRIVATE section")
    lookup_parser.set_defaults(run=lookup)
    commands.add_parser("punycode").set_defaults(run=punycode)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
