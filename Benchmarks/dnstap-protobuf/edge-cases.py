# Edge-case dnstap frames for the agreement check, one frame per case, as a Frame Streams file:
#   python3 edge-cases.py OUT.dnstap   (writes OUT.dnstap and OUT.dnstap.txt, the cases in frame order)
import struct, sys
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f; v >>= 7
        if v: out.append(b | 0x80)
        else: out.append(b); return bytes(out)
def tag(f, w): return varint(f << 3 | w)
def ld(f, b): return tag(f, 2) + varint(len(b)) + b
def vi(f, v): return tag(f, 0) + varint(v)
def f32(f, v): return tag(f, 5) + struct.pack('<I', v)
base_msg = vi(1, 5) + vi(2, 1) + vi(3, 1) + ld(4, bytes([10, 0, 0, 1])) + vi(6, 53000) + vi(8, 1700000000) + f32(9, 123) + ld(10, b'\x12\x34' + b'\x00' * 10)
def dnstap(msg, extra=b''): return ld(1, b'id') + extra + ld(14, msg) + vi(15, 1)
cases = [
    ("plain", dnstap(base_msg)),
    ("unknown field 100 varint", dnstap(base_msg + vi(100, 7))),
    ("unknown field number 2^29 (past the protobuf maximum)", dnstap(base_msg + tag(1 << 29, 0) + b'\x01')),
    ("unknown field number 2^29-1 (the maximum)", dnstap(base_msg + tag((1 << 29) - 1, 0) + b'\x01')),
    ("query_time_sec 10-octet varint, 10th octet 0x7f (overflows 64 bits)", dnstap(vi(1, 5) + tag(8, 0) + b'\xff' * 9 + b'\x7f')),
    ("query_time_sec 11-octet varint", dnstap(vi(1, 5) + tag(8, 0) + b'\xff' * 10 + b'\x01')),
    ("query_time_nsec sent as varint (wrong wire type)", dnstap(vi(1, 5) + vi(9, 5))),
    ("unknown group field 20 in Message", dnstap(base_msg + tag(20, 3) + vi(1, 1) + tag(20, 4))),
    ("socket_family 3 (not in the enum)", dnstap(vi(1, 5) + vi(2, 3))),
    ("Message.type 99 (not in the enum)", dnstap(vi(1, 99))),
    ("policy.type not UTF-8", dnstap(base_msg + ld(15, ld(1, b'\xff\xfe') + vi(3, 1)))),
    ("policy.type RPZ", dnstap(base_msg + ld(15, ld(1, b'RPZ') + ld(2, b'\x03foo\x00') + vi(3, 1) + vi(4, 1) + ld(5, b'v')))),
    ("no Dnstap.type (required)", ld(14, base_msg)),
    ("no Message.type (required)", dnstap(vi(2, 1))),
    ("two Message fields (protobuf merges them)", dnstap(base_msg, b'') + ld(14, ld(5, bytes([10, 0, 0, 2])) + vi(7, 53))),
    ("no Message", ld(1, b'id') + vi(15, 1)),
    ("Message.type 2^32+5 (past 32 bits)", dnstap(vi(1, (1 << 32) + 5))),
    ("query_port 2^32+53", dnstap(vi(1, 5) + vi(6, (1 << 32) + 53))),
    ("empty query_address", dnstap(vi(1, 5) + ld(4, b''))),
    ("Dnstap.type 2 (not in the enum)", ld(14, base_msg) + vi(15, 2)),
    ("length past the end", ld(1, b'id')[:-1] + b'\x7f' + ld(14, base_msg)),
    ("fixed64 unknown field", dnstap(base_msg + tag(30, 1) + b'\x00' * 8)),
    ("wire type 6", dnstap(base_msg + tag(30, 6))),
    ("socket_family repeated: 1 then 3", dnstap(vi(1, 5) + vi(2, 1) + vi(2, 3))),
]
out = open(sys.argv[1], 'wb')
ct = b'protobuf:dnstap.Dnstap'
start = struct.pack('>I', 1) + struct.pack('>I', 1) + struct.pack('>I', len(ct)) + ct
out.write(struct.pack('>II', 0, len(start)) + start)
for name, frame in cases:
    out.write(struct.pack('>I', len(frame)) + frame)
out.write(struct.pack('>II', 0, 4) + struct.pack('>I', 3))
with open(sys.argv[1] + '.txt', 'w') as t:
    for i, (name, _) in enumerate(cases): t.write(f"{i}: {name}\n")
