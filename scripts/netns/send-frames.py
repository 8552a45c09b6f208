#!/usr/bin/env python3
"""Send COUNT distinct DNS queries as raw Ethernet frames on INTERFACE, each REPEAT times back to back.

    send-frames.py INTERFACE COUNT REPEAT [VLAN[,INNER]]

With VLAN the frames carry an 802.1Q tag of that VLAN id (and with INNER, an 802.1ad tag VLAN outside an 802.1Q tag
INNER: QinQ), as a VLAN interface would send them, on kernels without VLAN interfaces too.

Run inside a namespace of scripts/netns (`ip netns exec sonde-a scripts/netns/send-frames.py sondea0 50 2`): the
frames go from 198.18.0.1 to 198.18.0.2 port 5353 (UDP), where nothing listens, so nothing answers and the only
packets are these. Repeated frames are byte-identical, like one packet seen by two taps: a test of Sonde's
deduplication and sampling, whose counts are then exact.
"""
import socket
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(i: int, source_mac: bytes, tags=()) -> bytes:
    qname = b"".join(bytes([len(p)]) + p for p in (f"q{i}".encode(), b"sonde", b"test")) + b"\0"
    dns = struct.pack("!HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    sport = 20000 + i
    udp = struct.pack("!HHHH", sport, 5353, 8 + len(dns), 0) + dns
    src, dst = socket.inet_aton("198.18.0.1"), socket.inet_aton("198.18.0.2")
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    tagging = b""
    for n, vlan in enumerate(tags):
        # The outer tag of two is 802.1ad (0x88a8), any other 802.1Q (0x8100).
        tagging += struct.pack("!HH", 0x88A8 if n == 0 and len(tags) == 2 else 0x8100, vlan)
    return b"\xff" * 6 + source_mac + tagging + b"\x08\x00" + ip + udp


def main() -> None:
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    interface, count, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    tags = tuple(int(v) for v in sys.argv[4].split(",")) if len(sys.argv) == 5 else ()
    with open(f"/sys/class/net/{interface}/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((interface, 0))
    for i in range(count):
        f = frame(i, mac, tags)
        for _ in range(repeat):
            s.send(f)
    print(f"sent {count} frames x {repeat} on {interface}")


if __name__ == "__main__":
    main()
