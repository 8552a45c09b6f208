#!/usr/bin/env python3
"""Ask SERVER several DNS questions over ONE TCP connection (RFC 7766), and print one line per answer.

    tcp-client.py SERVER COUNT [--pipeline N] [--prefix-apart] [--id-base B] [--timeout S]

The questions cycle through the zone of scripts/netns/unbound.sh: a.sonde.test A, big.sonde.test TXT (a 3.2 kB
answer, several segments), aaaa.sonde.test AAAA, nxI.sonde.test A (NXDOMAIN), with ids B, B+1, ... Up to N questions
are in flight at once (default 1: ask, wait for the answer, ask again). With --prefix-apart each question's 2-byte
length goes in a segment of its own, before the message (TCP_NODELAY, a short pause between): a capture can then
lose a length prefix alone.

Output, one line per answer, in the order they came: `id qname qtype rcode ancount`; then `done N` on the last
line. Exit status 0 when every question was answered, 1 otherwise (what was answered is still printed).
"""
import argparse
import socket
import struct
import sys
import time

TYPES = {"A": 1, "AAAA": 28, "TXT": 16}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def question(i: int):
    kind = i % 4
    if kind == 0:
        return "a.sonde.test", "A"
    if kind == 1:
        return "big.sonde.test", "TXT"
    if kind == 2:
        return "aaaa.sonde.test", "AAAA"
    return f"nx{i}.sonde.test", "A"


def query(ident: int, qname: str, qtype: str) -> bytes:
    name = b"".join(bytes([len(p)]) + p.encode() for p in qname.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident & 0xFFFF, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", TYPES[qtype], 1)


def read_exactly(s: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("the server closed the connection")
        data += chunk
    return data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("count", type=int)
    ap.add_argument("--pipeline", type=int, default=1)
    ap.add_argument("--prefix-apart", action="store_true")
    ap.add_argument("--id-base", type=lambda v: int(v, 0), default=0x1000)
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    family = socket.AF_INET6 if ":" in a.server else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(a.timeout)
    s.connect((a.server, 53))
    asked = {}
    answered = 0
    next_question = 0

    def ask():
        nonlocal next_question
        i = next_question
        next_question += 1
        ident = (a.id_base + i) & 0xFFFF
        qname, qtype = question(i)
        message = query(ident, qname, qtype)
        asked[ident] = (qname, qtype)
        prefix = struct.pack("!H", len(message))
        if a.prefix_apart:
            s.sendall(prefix)
            time.sleep(0.02)
            s.sendall(message)
        else:
            s.sendall(prefix + message)

    try:
        while next_question < a.count and next_question - answered < a.pipeline:
            ask()
        while answered < a.count:
            length = struct.unpack("!H", read_exactly(s, 2))[0]
            message = read_exactly(s, length)
            ident, flags, _, ancount = struct.unpack("!HHHH", message[:8])
            qname, qtype = asked.pop(ident, ("?", "?"))
            print(f"{ident} {qname} {qtype} {RCODES.get(flags & 0xF, flags & 0xF)} {ancount}", flush=True)
            answered += 1
            if next_question < a.count:
                ask()
    except (OSError, EOFError) as e:
        print(f"error after {answered} answers: {e}", file=sys.stderr)
    finally:
        s.close()
    print(f"done {answered}", flush=True)
    return 0 if answered == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
