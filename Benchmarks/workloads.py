#!/usr/bin/env python3
"""Workloads for the reassembly benchmarks (pure Python, no dependencies).

  workloads.py fragment IN.pcap OUT.pcap [--every 20] [--mtu 576]
      Copies a classic Ethernet pcap, cutting every Nth IPv4 UDP DNS response into IP fragments (in order).
  workloads.py flood OUT.pcap [--flows 200000] [--trains 200000]
      Hostile traffic that never completes: TCP flows to port 53 that each send half a DNS message, and IPv4
      fragment trains whose last fragment never comes. Every address is in the 198.18.0.0/15 benchmark range.
"""
import argparse
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0, flags_frag=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag, 64, proto, 0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ether(ip):
    return b"\0" * 12 + b"\x08\x00" + ip


def read_pcap(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        assert magic in (0xA1B2C3D4, 0xA1B23C4D), "classic little-endian pcap expected"
        records = []
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            sec, frac, caplen, origlen = struct.unpack("<IIII", rh)
            records.append((sec, frac, f.read(caplen), origlen))
        return header, records


def write_pcap(path, header, records):
    with open(path, "wb") as f:
        f.write(header)
        for sec, frac, data, origlen in records:
            f.write(struct.pack("<IIII", sec, frac, len(data), max(origlen, len(data))))
            f.write(data)


def fragment(args):
    header, records = read_pcap(args.input)
    out, n, cut = [], 0, 0
    for sec, frac, data, origlen in records:
        if len(data) > 34 and data[12:14] == b"\x08\x00" and data[23] == 17 and data[14] == 0x45:
            sport = struct.unpack("!H", data[34:36])[0]
            if sport == 53:
                n += 1
                if n % args.every == 0:
                    ip = data[14:]
                    total = struct.unpack("!H", ip[2:4])[0]
                    body = ip[20:total]
                    step = (args.mtu - 20) // 8 * 8
                    if len(body) <= step:
                        out.append((sec, frac, data, origlen))
                        continue
                    ident = (n * 7) & 0xFFFF
                    for off in range(0, len(body), step):
                        piece = body[off:off + step]
                        more = 0x2000 if off + step < len(body) else 0
                        fip = ipv4(ip[12:16], ip[16:20], 17, piece, ident, more | (off // 8))
                        out.append((sec, frac, ether(fip), 14 + len(fip)))
                    cut += 1
                    continue
        out.append((sec, frac, data, origlen))
    write_pcap(args.output, header, out)
    print(f"wrote {args.output}: {len(out)} packets, {cut} responses fragmented")


def flood(args):
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    records = []
    t = 1_800_000_000
    server = bytes([198, 18, 0, 53])
    for i in range(args.flows):
        client = bytes([198, 19, (i >> 8) & 0xFF, i & 0xFF])
        sport = 1024 + (i % 60000)
        syn = struct.pack("!HHIIBBHHH", sport, 53, 1000, 0, 0x50, 0x02, 65535, 0, 0)
        # Half a message: the length says 1,000 bytes, 100 follow (a plausible header first).
        dns = struct.pack("!HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00\x00\x01\x00\x01"
        data = struct.pack("!H", 1000) + dns + b"\0" * (100 - len(dns))
        seg = struct.pack("!HHIIBBHHH", sport, 53, 1001, 0, 0x50, 0x18, 65535, 0, 0) + data
        for payload in (syn, seg):
            ip = ipv4(client, server, 6, payload)
            records.append((t // 1000000, t % 1000000, ether(ip), 14 + len(ip)))
            t += 10
    for i in range(args.trains):
        src = bytes([198, 18, 1 + ((i >> 16) & 0x7F), (i >> 8) & 0xFF])
        body = struct.pack("!HHHH", 53, 40000, 2008, 0) + b"\0" * 1192
        ip = ipv4(src, bytes([198, 19, 255, 1]), 17, body, i & 0xFFFF, 0x2000)
        records.append((t // 1000000, t % 1000000, ether(ip), 14 + len(ip)))
        t += 10
    write_pcap(args.output, header, records)
    print(f"wrote {args.output}: {len(records)} packets ({args.flows} half-open flows, {args.trains} fragment trains)")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fragment")
    f.add_argument("input")
    f.add_argument("output")
    f.add_argument("--every", type=int, default=20)
    f.add_argument("--mtu", type=int, default=128)
    fl = sub.add_parser("flood")
    fl.add_argument("output")
    fl.add_argument("--flows", type=int, default=200000)
    fl.add_argument("--trains", type=int, default=200000)
    args = p.parse_args()
    fragment(args) if args.cmd == "fragment" else flood(args)


if __name__ == "__main__":
    main()
