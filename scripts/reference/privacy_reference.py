#!/usr/bin/env python3
"""Reference pseudonyms for Sonde's privacy transform tests (Tests/SondeTransformsTests/*Privacy*).

    privacy_reference.py cryptopan KEY_HEX INPUT OUTPUT   # yacryptopan (pip install yacryptopan)
    privacy_reference.py hmac KEY_HEX INPUT OUTPUT        # hmac + hashlib from the standard library

INPUT has one address per line: "4 " then 8 hex digits, or "6 " then 32 hex digits (the address's network-order
octets). OUTPUT gets one line per input line, in the same order and form: the Crypto-PAn pseudonym, or the first
4 (IPv4) or 16 (IPv6) octets of HMAC-SHA256(key, the address's octets).
Exit status 3: yacryptopan is not installed.
"""
import hashlib
import hmac
import sys


def read_addresses(path):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            version, digits = line.split()
            if (version, len(digits)) not in (("4", 8), ("6", 32)):
                sys.exit(f"{path}:{number}: expected '4 <8 hex digits>' or '6 <32 hex digits>', got {line!r}")
            yield int(version), int(digits, 16)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("cryptopan", "hmac"):
        sys.exit(__doc__)
    mode, key_hex, input_path, output_path = sys.argv[1:]
    key = bytes.fromhex(key_hex)
    lines = []
    if mode == "cryptopan":
        try:
            import yacryptopan
        except ImportError:
            print("yacryptopan is missing: pip install yacryptopan", file=sys.stderr)
            sys.exit(3)
        cp = yacryptopan.CryptoPAn(key)
        for version, value in read_addresses(input_path):
            width = 8 if version == 4 else 32
            lines.append(f"{version} {cp.anonymize_bin(value, version):0{width}x}")
    else:
        for version, value in read_addresses(input_path):
            length = 4 if version == 4 else 16
            digest = hmac.new(key, value.to_bytes(length, "big"), hashlib.sha256).digest()
            lines.append(f"{version} {digest[:length].hex()}")
    with open(output_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
