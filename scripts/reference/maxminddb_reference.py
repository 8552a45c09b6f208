#!/usr/bin/env python3
"""Reference lookups for Sonde's MaxMind DB reader (Sources/SondeTransforms/GeoIP), made by MaxMind's own
Python reader, `maxminddb`.

    maxminddb_reference.py geolite2 OUT.tsv [--count N] [--seed S]
        Looks up N (default 100000) seeded addresses in the GeoLite2-City.mmdb that the maxminddb-geolite2
        package ships, and writes one line per address. The first line is "#database<TAB>PATH".
    maxminddb_reference.py small OUT_DIR
        Writes small databases with mmdb-writer (IPv4 and IPv6 trees, record sizes 24, 28 and 32, every type
        mmdb-writer writes, nested maps, deduplicated values reached by pointers, UTF-8 text, pointers of size 0,
        1 and 2) as OUT_DIR/NAME.mmdb, and their reference lookups as OUT_DIR/NAME.tsv.
    maxminddb_reference.py lookup DATABASE OUT.tsv ADDRESS...
        Looks up the given addresses (IPv4 or IPv6 text) in DATABASE, a file or "geolite2" for the GeoLite2-City.mmdb
        that the maxminddb-geolite2 package ships, and writes one line per address, in order, with the whole
        record. The first line is "#database<TAB>PATH".

Needs: pip install maxminddb maxminddb-geolite2 mmdb-writer (made with 3.3.0, 2018.703 and 0.2.7; the record
size is forced through mmdb-writer's TreeWriter._adjust_record_size, which a later version may rename)

Line format (tab-separated; "-" for an absent field; text as hex of its UTF-8 bytes, so nothing needs escaping):
    family(4|6) address(hex, 8 or 32 digits) found(0|1|e) prefix_length
    continent.code country.iso_code location.latitude location.longitude (hex of the IEEE-754 binary64 bits)
    autonomous_system_number autonomous_system_organization
    then for each of LANGUAGES: continent.names[l] country.names[l] city.names[l]
    then the whole record in canonical form, or "-" (geolite2 mode writes it for every 50th address only)
found "e" means the reader refused the lookup (an IPv6 address in an IPv4-only database).
A small database's .tsv starts with "#metadata" and the metadata's fields (see write_metadata).

Canonical form: maps {key:value,...} with keys sorted; arrays [a,b]; strings s<hex>; bytes b<hex>; integers in
decimal; floats d<hex of binary64 bits> (a float32 widened to binary64, as Python decodes it); true; false.
"""

import ipaddress
import math
import os
import random
import struct
import sys

LANGUAGES = ["en", "pt-BR"]


def hex_text(value):
    return value.encode("utf-8").hex() if isinstance(value, str) else "-"


def hex_double(value):
    if isinstance(value, float):
        return struct.pack(">d", value).hex()
    return "-"


def canonical(value):
    if isinstance(value, dict):
        return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, str):
        return "s" + value.encode("utf-8").hex()
    if isinstance(value, (bytes, bytearray)):
        return "b" + bytes(value).hex()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "d" + struct.pack(">d", value).hex()
    raise TypeError(f"unexpected {type(value)}")


def submap(record, key):
    value = record.get(key) if isinstance(record, dict) else None
    return value if isinstance(value, dict) else None


def name(record, key, language):
    names = submap(submap(record, key) or {}, "names")
    return names.get(language) if names else None


def fields(record):
    """The fields Sonde extracts, read the way the Swift extractor reads them: a value of another type is absent."""
    continent = submap(record, "continent") or {}
    country = submap(record, "country") or {}
    location = submap(record, "location") or {}
    top = record if isinstance(record, dict) else {}
    asn = top.get("autonomous_system_number")
    asn_ok = isinstance(asn, int) and not isinstance(asn, bool) and 0 <= asn < 2**32
    out = [
        hex_text(continent.get("code")),
        hex_text(country.get("iso_code")),
        hex_double(location.get("latitude")),
        hex_double(location.get("longitude")),
        str(asn) if asn_ok else "-",
        hex_text(top.get("autonomous_system_organization")),
    ]
    for language in LANGUAGES:
        out += [hex_text(name(record, k, language)) for k in ("continent", "country", "city")]
    return out


def lookup_line(reader, address, with_value=True):
    family = address.version
    digits = 8 if family == 4 else 32
    head = [str(family), format(int(address), f"0{digits}x")]
    try:
        record, prefix = reader.get_with_prefix_len(address)
    except ValueError:
        return "\t".join(head + ["e", "0"] + ["-"] * (6 + 3 * len(LANGUAGES) + 1))
    if record is None:
        return "\t".join(head + ["0", str(prefix)] + ["-"] * (6 + 3 * len(LANGUAGES) + 1))
    value = canonical(record) if with_value else "-"
    return "\t".join(head + ["1", str(prefix)] + fields(record) + [value])


# MARK: GeoLite2-City


class TreeSampler:
    """Random walks down the search tree that avoid empty records, so that most of them end in a network with
    data: uniform random IPv6 addresses almost never hit. It only picks addresses; maxminddb gives the answers."""

    def __init__(self, path, rng):
        import maxminddb

        with maxminddb.open_database(path) as reader:
            meta = reader.metadata()
        self.nodes = meta.node_count
        self.size = meta.record_size
        with open(path, "rb") as f:
            self.tree = f.read(meta.node_count * meta.record_size // 4)
        self.rng = rng
        node = 0
        for _ in range(96 if meta.ip_version == 6 else 0):
            if node >= self.nodes:
                break
            node = self.record(node, 0)
        self.ipv4_root = node

    def record(self, node, bit):
        t = self.tree
        if self.size == 24:
            o = node * 6 + bit * 3
            return int.from_bytes(t[o : o + 3], "big")
        if self.size == 28:
            o = node * 7
            if bit:
                return int.from_bytes(t[o + 3 : o + 7], "big") & 0x0FFFFFFF
            v = int.from_bytes(t[o : o + 4], "big")
            return (v >> 8) | ((v & 0xF0) << 20)
        o = node * 8 + bit * 4
        return int.from_bytes(t[o : o + 4], "big")

    def address(self, bits, start):
        node, value, depth = start, 0, 0
        while depth < bits and node < self.nodes:
            left, right = self.record(node, 0), self.record(node, 1)
            if left == self.nodes and right != self.nodes:
                bit = 1
            elif right == self.nodes and left != self.nodes:
                bit = 0
            else:
                bit = self.rng.getrandbits(1)
            value = value << 1 | bit
            node = right if bit else left
            depth += 1
        rest = bits - depth
        return value << rest | (self.rng.getrandbits(rest) if rest else 0)


SPECIAL = ["0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
           "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32", "::/128", "::1/128", "fe80::/10", "fc00::/7",
           "ff00::/8", "2001:db8::/32", "64:ff9b::/96", "2001::/32", "::ffff:0:0/96", "2002::/16"]


def geolite2_addresses(path, count, seed):
    rng = random.Random(seed)
    sampler = TreeSampler(path, rng)
    special = [ipaddress.ip_network(s) for s in SPECIAL]
    out = []
    for _ in range(count):
        r = rng.random()
        if r < 0.25:
            out.append(ipaddress.IPv4Address(rng.getrandbits(32)))
        elif r < 0.45:
            out.append(ipaddress.IPv4Address(sampler.address(32, sampler.ipv4_root)))
        elif r < 0.53:  # IPv4-mapped
            out.append(ipaddress.IPv6Address(0xFFFF << 32 | sampler.address(32, sampler.ipv4_root)))
        elif r < 0.57:  # 6to4
            v4 = sampler.address(32, sampler.ipv4_root)
            out.append(ipaddress.IPv6Address(0x2002 << 112 | v4 << 80 | rng.getrandbits(80)))
        elif r < 0.60:  # IPv4-compatible ::a.b.c.d
            out.append(ipaddress.IPv6Address(sampler.address(32, sampler.ipv4_root)))
        elif r < 0.80:
            out.append(ipaddress.IPv6Address(sampler.address(128, 0)))
        elif r < 0.90:
            out.append(ipaddress.IPv6Address(0x2000 << 112 | rng.getrandbits(125)))
        elif r < 0.95:
            out.append(ipaddress.IPv6Address(rng.getrandbits(128)))
        else:
            net = rng.choice(special)
            host = net.max_prefixlen - net.prefixlen
            value = int(net.network_address) | (rng.getrandbits(host) if host else 0)
            out.append(ipaddress.ip_address(value) if net.version == 4 else ipaddress.IPv6Address(value))
    return out


def geolite2(out_path, count, seed):
    import maxminddb
    from geolite2 import geolite2 as packaged

    path = packaged.filename
    with maxminddb.open_database(path) as reader, open(out_path, "w") as out:
        out.write(f"#database\t{path}\n")
        for i, address in enumerate(geolite2_addresses(path, count, seed)):
            out.write(lookup_line(reader, address, with_value=i % 50 == 0) + "\n")


# MARK: Small databases


def small(out_dir):
    from netaddr import IPSet
    import mmdb_writer
    from mmdb_writer import MMDBWriter, MmdbF32, MmdbI32, MmdbU16, MmdbU32, MmdbU64, MmdbU128

    class FixedRecordSize(mmdb_writer.TreeWriter):
        """mmdb-writer picks the smallest record size that fits; this writes the one asked for instead."""

        record_bits = 24

        def _adjust_record_size(self):
            super()._adjust_record_size()
            if self.record_size > self.record_bits:
                raise ValueError(f"{self.record_size}-bit records needed")
            self.record_size = self.record_bits
            self.data_offset = self.record_size * 2 / 8 * self._node_counter

    def geo(continent, continent_names, iso, country_names, city_names=None, lat=None, lon=None, **extra):
        record = {"continent": {"code": continent, "geoname_id": MmdbU32(6255148), "names": continent_names},
                  "country": {"geoname_id": MmdbU32(2635167), "iso_code": iso, "names": country_names}}
        if city_names is not None:
            record["city"] = {"geoname_id": MmdbU32(2643743), "names": city_names}
        if lat is not None:
            record["location"] = {"accuracy_radius": MmdbU16(50), "latitude": lat, "longitude": lon,
                                  "time_zone": "Europe/London"}
        record.update(extra)
        return record

    europe = {"en": "Europe", "de": "Europa", "pt-BR": "Europa", "ja": "ヨーロッパ", "ru": "Европа", "zh-CN": "欧洲"}
    asia = {"en": "Asia", "de": "Asien", "pt-BR": "Ásia", "ja": "アジア", "ru": "Азия", "zh-CN": "亚洲"}
    all_types = {
        "string": "hello", "empty_string": "", "unicode": "Zürich 東京 Москва 🦊 e\u0301",
        "double": 3.141592653589793, "negative_double": -2.5e-300, "float": MmdbF32(1.5), "float_neg": MmdbF32(-0.15625),
        "bytes": b"\x00\x01\xfe\xff", "empty_bytes": b"",
        "u16": MmdbU16(65535), "u16_zero": MmdbU16(0), "u32": MmdbU32(4294967295), "u32_small": MmdbU32(300),
        "i32_negative": MmdbI32(-123456), "i32_max": MmdbI32(2**31 - 1), "i32_min": MmdbI32(-(2**31)),
        "u64": MmdbU64(2**64 - 1), "u64_small": MmdbU64(70000), "u128": MmdbU128(2**128 - 1),
        "u128_mid": MmdbU128(2**70 + 12345), "u128_small": MmdbU128(5),
        "true": True, "false": False,
        "array": [7, "two", 3.25, [4, [5, 6]], {"six": 66}], "empty_array": [], "empty_map": {},
        "nested": {"a": {"b": {"c": {"d": {"e": "deep"}}}}},
        "len28": "a" * 28, "len29": "b" * 29, "len284": "c" * 284, "len285": "d" * 285,
        "len65820": "e" * 65820, "len65821": "f" * 65821, "bytes70000": bytes(range(256)) * 273 + b"\x01" * 112,
        "same_1": "shared value", "same_2": "shared value", "same_map_1": {"x": "y"}, "same_map_2": {"x": "y"},
    }
    v4 = [
        ("1.0.0.0/24", geo("OC", {"en": "Oceania", "pt-BR": "Oceania"}, "AU", {"en": "Australia", "pt-BR": "Austrália"},
                           None, -33.494, 143.2104)),
        ("1.0.1.0/24", geo("AS", asia, "CN", {"en": "China", "pt-BR": "China", "zh-CN": "中国"},
                           {"en": "Fuzhou", "zh-CN": "福州"}, 26.0614, 119.3061)),
        ("2.0.0.0/8", geo("EU", europe, "FR", {"en": "France", "de": "Frankreich"})),
        ("2.125.160.0/19", geo("EU", europe, "GB", {"en": "United Kingdom", "pt-BR": "Reino Unido"},
                               {"en": "Boxford", "ja": "ボックスフォード"}, 51.75, -1.25,
                               subdivisions=[{"iso_code": "ENG", "names": {"en": "England"}},
                                             {"iso_code": "WBK", "names": {"en": "West Berkshire"}}],
                               postal={"code": "OX1"})),
        ("81.2.69.0/24", geo("EU", europe, "GB", {"en": "United Kingdom"}, {"en": "London", "ru": "Лондон"},
                             51.5142, -0.0931, traits={"is_anycast": True, "is_satellite_provider": False})),
        ("89.160.20.112/28", geo("EU", europe, "SE", {"en": "Sweden", "pt-BR": "Suécia"},
                                 {"en": "Linköping", "pt-BR": "Linköping"}, 58.4167, 15.6167)),
        ("175.16.199.0/24", geo("AS", asia, "CN", {"en": "China"}, {"en": "Changchun", "zh-CN": "长春"}, 43.88, 125.3228)),
        ("202.196.224.0/20", geo("AS", asia, "PH", {"en": "Philippines"}, None, 13.0, 122.0)),
        ("216.160.83.56/29", geo("NA", {"en": "North America"}, "US", {"en": "United States"}, {"en": "Milton"},
                                 47.2513, -122.3149, registered_country={"iso_code": "US"})),
        ("10.0.0.0/8", all_types),
        ("100.64.0.0/10", geo("SA", {"de": "Südamerika"}, "BR", {"pt-BR": "Brasil"}, {"pt-BR": "São Paulo"},
                              MmdbF32(-23.5), MmdbF32(-46.625))),
        ("192.0.2.0/24", "just a string"),
        ("198.51.100.0/24", [MmdbU32(1), "array record"]),
        ("203.0.113.0/25", {"country": "not a map", "continent": {"code": MmdbU16(9), "names": ["Europe"]},
                            "location": {"latitude": "north", "longitude": MmdbU16(12)},
                            "city": {"names": {"en": MmdbU16(3)}}}),
        ("203.0.113.128/25", {"names": {"en": "misplaced"}, "city": {"names": {}}, "location": {}}),
    ]
    v6 = [
        ("2001:db8::/32", geo("EU", europe, "DE", {"en": "Germany", "de": "Deutschland"}, {"en": "Berlin"}, 52.52, 13.405)),
        ("2001:db8:1::/48", geo("EU", europe, "NL", {"en": "Netherlands"}, {"en": "Amsterdam"}, 52.37, 4.89)),
        ("2a02:ec0::/29", geo("EU", europe, "GB", {"en": "United Kingdom"}, None, 54.0, -2.0)),
        ("2c0f:ff40::/26", geo("AF", {"en": "Africa", "pt-BR": "África"}, "ZA", {"en": "South Africa"})),
        ("2c0f:ff40:8000::/33", all_types),
        ("fd00::/8", {"location": {"latitude": 1.5, "longitude": -1.5}}),
    ]

    def write(name, version, bits, networks, database_type="Sonde-Test-City", languages=None, compatible=True):
        languages = languages or ["en", "de", "pt-BR", "ja", "ru", "zh-CN"]
        description = {language: f"{name} test database" for language in languages}
        description["de"] = "Testdatenbank \u00fc"
        w = MMDBWriter(ip_version=version, database_type=database_type, languages=languages, description=description,
                       ipv4_compatible=compatible and version == 6)
        for network, record in networks:
            w.insert_network(IPSet([network]), record)
        path = os.path.join(out_dir, name + ".mmdb")
        writer = FixedRecordSize(w.tree, w._build_meta(), w.int_type, w.float_type)
        writer.record_bits = bits
        writer.write(path)
        write_reference(path, os.path.join(out_dir, name + ".tsv"), [n for n, _ in networks])

    for bits in (24, 28, 32):
        write(f"ipv4-{bits}", 4, bits, v4)
        write(f"ipv6-{bits}", 6, bits, v4 + v6)
    write("asn", 6, 24, [
        ("1.0.0.0/24", {"autonomous_system_number": 13335, "autonomous_system_organization": "Cloudflare, Inc."}),
        ("2.0.0.0/12", {"autonomous_system_number": MmdbU32(3215), "autonomous_system_organization": "Orange S.A."}),
        ("31.13.64.0/18", {"autonomous_system_number": MmdbU32(32934), "autonomous_system_organization": "Facebook, Inc."}),
        ("2001:4860::/32", {"autonomous_system_number": MmdbU32(15169), "autonomous_system_organization": "Google LLC"}),
        ("2a03:2880::/29", {"autonomous_system_number": MmdbU16(32934), "autonomous_system_organization": "Meta Ƒ"}),
    ], database_type="GeoLite2-ASN", languages=["en"])
    # A blob of 600 KB first, so that the values after it sit past 526,336 bytes, where pointers take size 2 (the
    # 70 KB strings of all_types put the others of ipv4-*/ipv6-* past 2,048: size 1). Size 3 needs 128 MiB of
    # data; the Swift tests write it by hand.
    blob = bytes(random.Random(7).getrandbits(8) for _ in range(600_000))
    write("pointers", 4, 24, [("1.0.0.0/24", {"blob": blob}), ("1.0.1.0/24", {"small": "s" * 3000})] + v4[2:],
          languages=["en", "pt-BR"])


def write_metadata(reader, out):
    m = reader.metadata()
    languages = ",".join(hex_text(l) for l in m.languages) or "-"
    description = canonical(m.description)
    out.write("\t".join(["#metadata", str(m.node_count), str(m.record_size), str(m.ip_version),
                         hex_text(m.database_type), languages, str(m.build_epoch),
                         str(m.binary_format_major_version), str(m.binary_format_minor_version), description]) + "\n")


def write_reference(db_path, out_path, networks):
    import maxminddb

    rng = random.Random(db_path.rsplit("/", 1)[-1])
    addresses = []
    for text in networks:
        net = ipaddress.ip_network(text)
        first, last = int(net.network_address), int(net.broadcast_address)
        top = 2**net.max_prefixlen - 1
        for value in (first, last, (first + last) // 2, first - 1, last + 1, rng.randint(first, last)):
            if 0 <= value <= top:
                addresses.append(ipaddress.ip_address(value) if net.version == 4 else ipaddress.IPv6Address(value))
        if net.version == 4:  # the same IPv4 addresses as IPv6: IPv4-compatible (::a.b.c.d) and IPv4-mapped
            addresses += [ipaddress.IPv6Address(first), ipaddress.IPv6Address(0xFFFF << 32 | last)]
    addresses += [ipaddress.IPv4Address(rng.getrandbits(32)) for _ in range(200)]
    addresses += [ipaddress.IPv6Address(rng.getrandbits(128)) for _ in range(100)]
    addresses += [ipaddress.IPv6Address(0x2001_0DB8 << 96 | rng.getrandbits(96)) for _ in range(50)]
    addresses += [ipaddress.IPv4Address(0), ipaddress.IPv4Address(2**32 - 1), ipaddress.IPv6Address(0),
                  ipaddress.IPv6Address(2**128 - 1)]
    with maxminddb.open_database(db_path) as reader, open(out_path, "w") as out:
        write_metadata(reader, out)
        for address in addresses:
            out.write(lookup_line(reader, address) + "\n")


def lookup(database, out_path, texts):
    import maxminddb

    if database == "geolite2":
        from geolite2 import geolite2 as packaged

        database = packaged.filename
    with maxminddb.open_database(database) as reader, open(out_path, "w") as out:
        out.write(f"#database\t{database}\n")
        for text in texts:
            out.write(lookup_line(reader, ipaddress.ip_address(text)) + "\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "geolite2":
        count, seed = 100_000, 20240601
        rest = argv[3:]
        while rest:
            option, value, rest = rest[0], rest[1], rest[2:]
            if option == "--count":
                count = int(value)
            elif option == "--seed":
                seed = int(value)
            else:
                raise SystemExit(f"unknown option {option}")
        geolite2(argv[2], count, seed)
    elif len(argv) >= 4 and argv[1] == "lookup":
        lookup(argv[2], argv[3], argv[4:])
    elif len(argv) == 3 and argv[1] == "small":
        os.makedirs(argv[2], exist_ok=True)
        small(argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
