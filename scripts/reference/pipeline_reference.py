#!/usr/bin/env python3
"""Reference pseudonyms and locations for the end-to-end pipeline tests (Tests/IntegrationTests/Pipeline*).

    pipeline_reference.py KEY_HEX INPUT OUTPUT

INPUT has one address a line, in text form (192.0.2.1, 2001:db8::1). OUTPUT gets one line per input line, in the
same order, tab-separated:

    address  pseudonym  found  continent  country  country_iso  city  latitude  longitude

`pseudonym` is the Crypto-PAn pseudonym that yacryptopan gives with the 32-octet key KEY_HEX; the rest is what
MaxMind's own reader (maxminddb) finds for the address in the GeoLite2 City database that maxminddb-geolite2 ships:
found is 1 or 0, continent the continent's code, country and city their English names, latitude and longitude as
Python prints them; "-" for an absent value. Text is hex of its UTF-8 bytes, so nothing needs escaping.
Exit status 3: a package is missing (pip install yacryptopan maxminddb maxminddb-geolite2).
"""
import sys


def hex_text(value):
    return value.encode("utf-8").hex() if isinstance(value, str) else "-"


def names(record, key):
    part = record.get(key) if isinstance(record, dict) else None
    if not isinstance(part, dict):
        return None, None
    english = part.get("names", {}).get("en") if isinstance(part.get("names"), dict) else None
    return part, english


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    key_hex, input_path, output_path = sys.argv[1:]
    try:
        import maxminddb
        import yacryptopan
        from geolite2 import geolite2
    except ImportError as error:
        print(f"{error.name} is missing: pip install yacryptopan maxminddb maxminddb-geolite2", file=sys.stderr)
        sys.exit(3)
    pan = yacryptopan.CryptoPAn(bytes.fromhex(key_hex))
    lines = []
    with maxminddb.open_database(geolite2.filename) as reader, open(input_path) as f:
        for line in f:
            address = line.strip()
            if not address:
                continue
            record = reader.get(address)
            fields = [address, pan.anonymize(address)]
            if not isinstance(record, dict):
                fields += ["0"] + ["-"] * 6
            else:
                continent, _ = names(record, "continent")
                country, country_name = names(record, "country")
                _, city_name = names(record, "city")
                location = record.get("location") if isinstance(record.get("location"), dict) else {}
                fields += [
                    "1",
                    hex_text(continent.get("code") if continent else None),
                    hex_text(country_name),
                    hex_text(country.get("iso_code") if country else None),
                    hex_text(city_name),
                    repr(location.get("latitude")) if isinstance(location.get("latitude"), float) else "-",
                    repr(location.get("longitude")) if isinstance(location.get("longitude"), float) else "-",
                ]
            lines.append("\t".join(fields))
    with open(output_path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
