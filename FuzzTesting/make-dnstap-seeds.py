#!/usr/bin/env python3
"""Writes seed candidates for FuzzDnstap; make-seeds.sh keeps the ones that add coverage.

    make-dnstap-seeds.py DNSTAP_CORPUS_DIR CANDIDATES_DIR SEEDS_DIR

CANDIDATES_DIR/FuzzDnstap/ gets inputs cut from the shared dnstap files (DNSTAP_CORPUS_DIR/*.dnstap): short
Frame Streams sessions (START, a few data frames, STOP) and single dnstap frames (the protobuf alone, which the
target also decodes as one frame). SEEDS_DIR/FuzzDnstap/hostile-* gets hand-made hostile inputs, always kept.
"""
import glob
import hashlib
import os
import struct
import sys

DNSTAP = b'protobuf:dnstap.Dnstap'


def write(folder, data, name=None):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name or hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)


# --- Frame Streams --------------------------------------------------------------------------------------------

def control(ctype, *content_types, fields=()):
    body = struct.pack('>I', ctype)
    for t in content_types:
        body += struct.pack('>II', 1, len(t)) + t
    for ftype, value in fields:
        body += struct.pack('>II', ftype, len(value)) + value
    return struct.pack('>II', 0, len(body)) + body


def data(payload):
    return struct.pack('>I', len(payload)) + payload


START, STOP, READY = control(2, DNSTAP), control(3), control(4, b'protobuf:other', DNSTAP)


def session(frames):
    return START + b''.join(data(f) for f in frames) + STOP


def frames_of(stream):
    """The data frames' payloads of a Frame Streams file."""
    out, pos = [], 0
    while pos + 4 <= len(stream):
        n, = struct.unpack('>I', stream[pos:pos + 4])
        if n == 0:
            length, = struct.unpack('>I', stream[pos + 4:pos + 8])
            pos += 8 + length
        else:
            out.append(stream[pos + 4:pos + 4 + n])
            pos += 4 + n
    return out


# --- protobuf -------------------------------------------------------------------------------------------------

def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def tag(field, wire):
    return varint(field << 3 | wire)


def vfield(field, v):
    return tag(field, 0) + varint(v)


def bfield(field, b):
    return tag(field, 2) + varint(len(b)) + b


def f32(field, v):
    return tag(field, 5) + struct.pack('<I', v)


def f64(field, v):
    return tag(field, 1) + struct.pack('<Q', v)


QUERY = bytes.fromhex('123401000001000000000000') + b'\x07example\x03com\x00\x00\x01\x00\x01'
POLICY = bfield(1, b'RPZ') + bfield(2, b'rpz.example.') + vfield(3, 1) + vfield(4, 2) + bfield(5, b'\x01\x02')
MESSAGE = (vfield(1, 6) + vfield(2, 2) + vfield(3, 4) + bfield(4, bytes(15) + b'\x01') + bfield(5, bytes(15) + b'\x02')
           + vfield(6, 54321) + vfield(7, 443) + vfield(8, 1700000000) + f32(9, 123456789) + bfield(10, QUERY)
           + bfield(11, b'\x07example\x03com\x00') + vfield(12, 1700000001) + f32(13, 987654321)
           + bfield(14, QUERY[:2] + b'\x81\x80' + QUERY[4:]) + bfield(15, POLICY) + vfield(16, 2))
EVERYTHING = bfield(1, b'resolver') + bfield(2, b'1.0') + bfield(3, b'\xe0') + bfield(14, MESSAGE) + vfield(15, 1)


def unknown(field):
    return vfield(field, 300) + f64(field, 1) + bfield(field, b'abc') + f32(field, 7)


def hostile():
    minimal = bfield(14, vfield(1, 5))
    h = {
        'empty': b'',
        'everything-frame': EVERYTHING,
        'everything-session': session([EVERYTHING, minimal]),
        'bidirectional-session': READY + START + data(EVERYTHING) + STOP,
        'unknown-fields-every-level': unknown(4) + bfield(14, unknown(17) + vfield(1, 3) + bfield(15, unknown(6) + vfield(3, 4)))
        + unknown(100) + vfield(15, 1),
        'two-messages-two-policies': bfield(14, vfield(1, 1) + vfield(6, 1000) + bfield(15, vfield(3, 1)))
        + bfield(14, vfield(1, 2) + bfield(15, bfield(1, b'x'))),
        'group-on-unknown-field': minimal + tag(20, 3) + tag(20, 4),
        'varint-11-octets': minimal + tag(15, 0) + b'\xff' * 10 + b'\x01',
        'length-past-message': bfield(14, vfield(1, 5) + tag(10, 2) + varint(50)) + bytes(60),
        'field-number-zero': bytes([0x72, 0x01, 0x00]),
        'times-clamped': bfield(14, vfield(1, 1) + vfield(8, 2**64 - 1) + f32(9, 0xffffffff) + f32(13, 2000000000)),
        'wrong-wire-type-known-field': bfield(14, bfield(1, b'\x05')),
        'control-513': control(4, b'a' * 501) + data(minimal),
        'control-field-past-end': struct.pack('>IIIII', 0, 12, 2, 1, 100),
        'control-field-header-cut': struct.pack('>III', 0, 7, 2) + b'\x00\x00\x00',
        'control-unknown-type-and-fields': control(0x77, fields=[(9, b'zz')]) + START + control(0x77) + data(minimal) + STOP,
        'oversized-ffffffff': START + b'\xff\xff\xff\xff' + bytes(30),
        'oversized-then-frame': START + data(bytes(40)) + data(minimal) + STOP,
        'data-before-start': data(minimal) + START + STOP,
        'start-twice': START + START + data(minimal) + STOP,
        'ready-without-dnstap': control(4, b'protobuf:other') + START + STOP,
        'session-cut-in-frame': session([EVERYTHING])[:-20],
        'two-sessions': session([minimal]) + session([minimal]),
    }
    return h


def main():
    corpus, candidates, seeds = sys.argv[1:4]
    out = os.path.join(candidates, 'FuzzDnstap')
    for path in sorted(glob.glob(os.path.join(corpus, '*.dnstap'))):
        frames = frames_of(open(path, 'rb').read())
        for i in range(0, len(frames), max(1, len(frames) // 40)):
            write(out, frames[i])
        for start, count in [(0, 1), (0, 3), (len(frames) // 2, 2), (max(0, len(frames) - 2), 2)]:
            write(out, session(frames[start:start + count]))
    for label, data_ in hostile().items():
        write(os.path.join(seeds, 'FuzzDnstap'), data_, 'hostile-' + label)


if __name__ == '__main__':
    main()
