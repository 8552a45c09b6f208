#!/usr/bin/env python3
"""Workloads for the reassembly benchmarks (pure Python, no dependencies).

  workloads.py fragment IN.pcap OUT.pcap [--every 20] [--mtu 576]
      Copies a classic Ethernet pcap, cutting every Nth IPv4 UDP DNS response into IP fragments (in order).
  workloads.py flood OUT.pcap [--flows 200000] [--trains 200000]
      Hostile traffic that never completes: TCP flows to port 53 that each send half a DNS message, and IPv4
      fragment trains whose last fragment never comes. Every address is in the 198.18.0.0/15 benchmark range.
  workloads.py public {pcap,dnstap} PAIRS OUT [--clients 5000] [--tools DIR]
      The shared generator's traffic (../shared/tools/gen_pcap.py or gen_dnstap.py, seed 1) with its clients moved
      from the benchmark and documentation ranges to public addresses, so that GeoIP lookups find them. With the
      default 5,000 clients the traffic is otherwise the same as the generator's.
  workloads.py domains OUT-PREFIX [--tools DIR]
      Allow and skip lists for the `domains` transform: OUT-PREFIX-allow-10.txt (five names of the generated
      traffic and five `*.` rules), OUT-PREFIX-allow-1000000.txt (the same ten and 999,990 rules that match
      nothing there), and OUT-PREFIX-skip-10.txt / -skip-1000000.txt (rules that match nothing there).
"""
import argparse
import os
import random
import runpy
import struct
import sys


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


# First octets of IPv4 space allocated to the regional registries and well covered by GeoLite2, and IPv6 /16s in
# use, for the public-client workload.
PUBLIC4 = [2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 109,
           151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217, 24, 50, 64, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75,
           76, 96, 97, 98, 99, 104, 107, 108, 173, 174, 184, 1, 14, 27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 110, 111,
           112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 175, 180, 182, 183, 202, 203,
           210, 211, 218, 219, 220, 221, 222, 177, 179, 181, 186, 187, 189, 190, 191, 200, 201, 41, 102, 105, 154, 196, 197]
PUBLIC6 = [0x2A00, 0x2A01, 0x2A02, 0x2A03, 0x2A04, 0x2A05, 0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2600,
           0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2607, 0x2800, 0x2801, 0x2803, 0x2C0F]


def load_workload(tools):
    sys.path.insert(0, tools)
    import workload
    return workload


def public(args):
    tools = os.path.abspath(args.tools)
    workload = load_workload(tools)
    base = workload.Workload

    class PublicClients(base):
        # The generator's own clients are built first (so its random sequence, and with 5,000 clients the traffic,
        # stay the same), then replaced; it cannot number more than 65,536 clients itself.
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            rnd = random.Random(20261207)
            families = [family for family, _ in self.clients]
            while len(families) < args.clients:
                families.append(4 if rnd.random() < 0.8 else 6)
            self.clients = []
            for family in families[:args.clients]:
                if family == 4:
                    self.clients.append((4, bytes([rnd.choice(PUBLIC4)] + [rnd.randint(1, 254) for _ in range(3)])))
                else:
                    top = rnd.choice(PUBLIC6)
                    if top == 0x2001:  # 2001:db8::/32 is documentation: stay in 2001:4000::/18 and above
                        second = rnd.randint(0x4000, 0xFFFF)
                    else:
                        second = rnd.randint(0, 0xFFFF)
                    self.clients.append((6, struct.pack("!HH", top, second) + bytes(rnd.getrandbits(8) for _ in range(12))))
            if len(self.clients) != len(self.ccum):  # the generator's popularity (Zipf 0.6) over the new number
                self.ccum, acc = [], 0.0
                for i in range(len(self.clients)):
                    acc += 1.0 / (i + 1) ** 0.6
                    self.ccum.append(acc)

    workload.Workload = PublicClients
    script = os.path.join(tools, "gen_pcap.py" if args.kind == "pcap" else "gen_dnstap.py")
    sys.argv = [script, str(args.pairs), "-o", args.output, "--seed", "1"]
    runpy.run_path(script, run_name="__main__")


def domains(args):
    workload = load_workload(os.path.abspath(args.tools))
    w = workload.Workload(seed=1)
    # Ranks 0-9 of the Zipf popularity (w.domains is in rank order): five exact names and five `*.` rules made
    # from names with a label under their zone, so that both kinds of rule are probed.
    exact, under = [], []
    for name in w.domains:
        if len(exact) < 5 and not name.startswith("www."):
            exact.append(name)
        elif len(under) < 5 and name.count(".") >= 2:
            under.append("*." + name.split(".", 1)[1])
        if len(exact) == 5 and len(under) == 5:
            break
    ten = exact + under
    rnd = random.Random(7)
    tlds = workload.TLDS

    def filler(i):
        # Digits never occur in the generator's second-level labels, so none of these matches its traffic.
        word = "blk%07d%s" % (i, rnd.choice(workload.SYL))
        return ("*." if i % 2 else "") + word + "." + rnd.choice(tlds)

    def write(path, lines):
        with open(path, "w") as f:
            f.write("# generated by Benchmarks/workloads.py domains\n")
            f.write("\n".join(lines) + "\n")

    write(args.prefix + "-allow-10.txt", ten)
    write(args.prefix + "-allow-1000000.txt", ten + [filler(i) for i in range(1_000_000 - len(ten))])
    write(args.prefix + "-skip-10.txt", [filler(i) for i in range(10)])
    write(args.prefix + "-skip-1000000.txt", [filler(i) for i in range(1_000_000)])
    print(f"wrote {args.prefix}-{{allow,skip}}-{{10,1000000}}.txt; allow-10: {', '.join(ten)}")


def stats(args):
    """PAIRS query/response pairs over UDP: names from NAMES random subdomains of 50 domains (a random-subdomain
    flood's cardinality), clients from CLIENTS addresses in 10.0.0.0/8; rcodes NOERROR, NXDOMAIN (1 in 10),
    SERVFAIL (1 in 50); latency 0.2-30 ms."""
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    server = bytes([10, 255, 0, 53])
    bases = [f"zone{i}.example" for i in range(50)]
    rnd = random.Random(7)
    with open(args.output, "wb") as out:
        out.write(header)
        t = 1_800_000_000_000_000
        for i in range(args.pairs):
            n = (i * 2654435761) % args.names
            name = f"{n * 40503 % 4294967291:08x}.{bases[n % 50]}"
            qname = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
            c = (i * 7919) % args.clients
            client = bytes([10, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF])
            qid = i & 0xFFFF
            sport = 1024 + (i % 60000)
            q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + b"\0\1\0\1"
            rcode = 3 if i % 10 == 0 else 2 if i % 50 == 1 else 0
            a = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if rcode == 0 else 0, 0, 0) + qname + b"\0\1\0\1"
            if rcode == 0:
                a += b"\xc0\x0c\0\1\0\1\0\0\x01\x2c\0\4" + bytes([192, 0, 2, i & 0xFF])
            for src, dst, sp, dp, payload, dt in ((client, server, sport, 53, q, 0), (server, client, 53, sport, a, 200 + rnd.randrange(30000))):
                udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
                frame = ether(ipv4(src, dst, 17, udp))
                t += dt
                out.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)) + frame)
            t += 50
    print(f"wrote {args.output}: {args.pairs} pairs, {args.names} names, {args.clients} clients")


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
    pu = sub.add_parser("public")
    pu.add_argument("kind", choices=["pcap", "dnstap"])
    pu.add_argument("pairs", type=int)
    pu.add_argument("output")
    pu.add_argument("--clients", type=int, default=5000)
    pu.add_argument("--tools", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools"))
    d = sub.add_parser("domains")
    d.add_argument("prefix")
    d.add_argument("--tools", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools"))
    st = sub.add_parser("stats")
    st.add_argument("pairs", type=int)
    st.add_argument("names", type=int)
    st.add_argument("clients", type=int)
    st.add_argument("output")
    args = p.parse_args()
    {"fragment": fragment, "flood": flood, "public": public, "domains": domains, "stats": stats}[args.cmd](args)


if __name__ == "__main__":
    main()
