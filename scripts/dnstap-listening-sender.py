#!/usr/bin/env python3
"""A dnstap sender that listens for collectors (the peer of `sonde run --dnstap-connect`).

Usage: dnstap-listening-sender.py tcp:HOST:PORT|unix:PATH FILE [--sessions N]

For each of N connections (default 1): sends READY (protobuf:dnstap.Dnstap), waits for ACCEPT, sends START,
the data frames of the Frame Streams file FILE, STOP, and waits for FINISH. Exits 0 when every session ended
with FINISH. Used by the integration tests; no dependency beyond Python 3.
"""
import os
import socket
import struct
import sys

CT = b"protobuf:dnstap.Dnstap"


def control(kind, content_type=None):
    body = struct.pack(">I", kind)
    if content_type:
        body += struct.pack(">II", 1, len(content_type)) + content_type
    return struct.pack(">II", 0, len(body)) + body


def data_frames(path):
    with open(path, "rb") as f:
        blob = f.read()
    frames, off = [], 0
    while off + 4 <= len(blob):
        (n,) = struct.unpack_from(">I", blob, off)
        if n == 0:
            (clen,) = struct.unpack_from(">I", blob, off + 4)
            off += 8 + clen
            continue
        frames.append(blob[off:off + 4 + n])
        off += 4 + n
    return frames


def read_control(conn):
    head = b""
    while len(head) < 8:
        chunk = conn.recv(8 - len(head))
        if not chunk:
            raise SystemExit("peer closed before a control frame")
        head += chunk
    escape, n = struct.unpack(">II", head)
    if escape != 0:
        raise SystemExit("expected a control frame")
    body = b""
    while len(body) < n:
        body += conn.recv(n - len(body))
    return struct.unpack_from(">I", body)[0]


def main():
    where, path = sys.argv[1], sys.argv[2]
    sessions = int(sys.argv[sys.argv.index("--sessions") + 1]) if "--sessions" in sys.argv else 1
    if where.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(where[5:]):
            os.unlink(where[5:])
        sock.bind(where[5:])
    else:
        _, host, port = where.split(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, int(port)))
    sock.listen(4)
    print("listening", flush=True)
    frames = data_frames(path)
    for _ in range(sessions):
        conn, _ = sock.accept()
        conn.sendall(control(4, CT))
        if read_control(conn) != 1:
            raise SystemExit("expected ACCEPT")
        conn.sendall(control(2, CT) + b"".join(frames) + control(3))
        if read_control(conn) != 5:
            raise SystemExit("expected FINISH")
        conn.close()
    print("sent %d frames in %d sessions" % (len(frames), sessions), flush=True)


if __name__ == "__main__":
    main()
