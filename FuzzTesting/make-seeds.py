#!/usr/bin/env python3
"""Writes seed candidates for the fuzz targets; make-seeds.sh keeps the ones that add coverage.

    make-seeds.py CORPUS_DIR CANDIDATES_DIR SEEDS_DIR

CANDIDATES_DIR/<Target>/ gets inputs cut from the shared captures (CORPUS_DIR/*.pcap): DNS payloads for
FuzzDNSMessage, frames (re-wrapped in every link type PacketDecoder reads) for FuzzPacket, and small slices of the
files (also rewritten as big-endian, nanosecond, "modified" pcap and pcapng) for FuzzCaptureFile, and TCP
conversations of those DNS messages (see TCPReassemblyCheck.swift for the encoding) for FuzzTCPReassembly.
SEEDS_DIR/<Target>/hostile-* gets hand-made hostile inputs, which are always kept.
"""
import glob
import hashlib
import os
import struct
import sys

DNS_PORTS = {53, 5300, 5302, 5303, 5310, 5320}


# --- reading the captures -------------------------------------------------------------------------------------

def pcap_records(data):
    """(header, [(ts_sec, ts_frac, orig_len, frame)]) of a little-endian microsecond pcap."""
    magic, = struct.unpack('<I', data[:4])
    assert magic == 0xa1b2c3d4, 'the shared captures are little-endian microsecond pcap'
    records, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack('<IIII', data[pos:pos + 16])
        records.append((sec, frac, origlen, data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return data[:24], records


def ip_of_ethernet(frame):
    """(ethertype, ip bytes) after the Ethernet header and any VLAN tags."""
    if len(frame) < 14:
        return None, b''
    etype, pos = struct.unpack('>H', frame[12:14])[0], 14
    while etype in (0x8100, 0x88a8) and pos + 4 <= len(frame):
        etype, pos = struct.unpack('>H', frame[pos + 2:pos + 4])[0], pos + 4
    return etype, frame[pos:]


def transport(ip):
    """(protocol, transport header offset) of an IPv4 or IPv6 packet, or (None, 0)."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        if struct.unpack('>H', ip[6:8])[0] & 0x3fff:
            return None, 0  # a fragment
        return ip[9], (ip[0] & 15) * 4
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        return ip[6], 40
    return None, 0


def dns_messages(ip):
    """DNS messages in a UDP datagram or TCP segment to or from a DNS port."""
    proto, off = transport(ip)
    if proto not in (6, 17) or len(ip) < off + 8:
        return []
    sport, dport = struct.unpack('>HH', ip[off:off + 4])
    if sport not in DNS_PORTS and dport not in DNS_PORTS:
        return []
    if proto == 17:
        return [ip[off + 8:]]
    data = ip[off + (ip[off + 12] >> 4) * 4:]
    out = []
    while len(data) >= 2:
        n = struct.unpack('>H', data[:2])[0]
        if n == 0 or len(data) < 2 + n:
            break
        out.append(data[2:2 + n])
        data = data[2 + n:]
    return out


def with_port_53(ip):
    """The packet with a DNS port of the corpus (5300, 5302, ...) rewritten to 53, which the fuzz targets use."""
    proto, off = transport(ip)
    if proto not in (6, 17) or len(ip) < off + 4:
        return ip
    b = bytearray(ip)
    for at in (off, off + 2):
        if struct.unpack('>H', b[at:at + 2])[0] in DNS_PORTS:
            b[at:at + 2] = struct.pack('>H', 53)
    return bytes(b)


# --- writing ---------------------------------------------------------------------------------------------------

def write(folder, data, name=None):
    os.makedirs(folder, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def frame_input(linktype, frame, cut=0):
    """A FuzzPacket input: link type and snap-length cut, 2 bytes little-endian each, then the frame."""
    return struct.pack('<HH', linktype, cut) + frame


def link_variants(ip):
    """The IP packet under every link layer PacketDecoder reads."""
    v6 = ip[:1] and ip[0] >> 4 == 6
    etype = 0x86dd if v6 else 0x0800
    mac = bytes(range(1, 13))
    return [
        (1, mac + struct.pack('>H', etype) + ip),
        (1, mac + struct.pack('>HHH', 0x88a8, 10, 0x8100) + struct.pack('>HH', 20, etype) + ip),
        (101, ip), (12, ip), (14, ip), (229 if v6 else 228, ip),
        (0, struct.pack('<I', 30 if v6 else 2) + ip), (0, struct.pack('>I', 24 if v6 else 2) + ip),
        (108, struct.pack('>I', 24 if v6 else 2) + ip),
        (113, struct.pack('>HHH', 0, 772, 6) + bytes(8) + struct.pack('>H', etype) + ip),
        (276, struct.pack('>HHIHBB', etype, 0, 1, 772, 0, 6) + bytes(8) + ip),
    ]


def pcap_file(records, big=False, nano=False, modified=False, linktype=1, snaplen=262144):
    e = '>' if big else '<'
    magic = 0xa1b2cd34 if modified else (0xa1b23c4d if nano else 0xa1b2c3d4)
    out = struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, snaplen, linktype)
    for sec, frac, orig, frame in records:
        out += struct.pack(e + 'IIII', sec, frac * (1000 if nano else 1), len(frame), orig)
        if modified:
            out += struct.pack(e + 'IHBB', 1, 0x0800, 0, 0)
        out += frame
    return out


def pcapng_block(e, btype, body):
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)


def pcapng_file(records, big=False, linktype=1, tsresol=None, simple=False, obsolete=False, extra=False):
    e = '>' if big else '<'
    out = pcapng_block(e, 0x0a0d0d0a, struct.pack(e + 'IHHq', 0x1a2b3c4d, 1, 0, -1))
    options = b''
    if tsresol is not None:
        options = struct.pack(e + 'HH', 9, 1) + bytes([tsresol, 0, 0, 0]) + struct.pack(e + 'HH', 0, 0)
    out += pcapng_block(e, 1, struct.pack(e + 'HHI', linktype, 0, 0) + options)
    if extra:  # a Name Resolution Block and a custom block, which the decoder skips
        out += pcapng_block(e, 4, struct.pack(e + 'HH', 0, 0)) + pcapng_block(e, 0x40000bad, b'\x00' * 20)
    for sec, frac, orig, frame in records:
        ticks = sec * 1000000 + frac
        if simple:
            out += pcapng_block(e, 3, struct.pack(e + 'I', orig) + frame)
        elif obsolete:
            out += pcapng_block(e, 2, struct.pack(e + 'HHIIII', 0, 0, ticks >> 32, ticks & 0xffffffff, len(frame), orig) + frame)
        else:
            body = struct.pack(e + 'IIIII', 0, ticks >> 32, ticks & 0xffffffff, len(frame), orig) + frame
            body += bytes(-len(body) % 4) + struct.pack(e + 'HH', 1, 4) + b'note' + struct.pack(e + 'HH', 0, 0)
            out += pcapng_block(e, 6, body)
    return out


# --- hand-made hostile DNS messages ----------------------------------------------------------------------------

def name(text):
    if text == '.':
        return b'\x00'
    return b''.join(bytes([len(l)]) + l.encode() for l in text.rstrip('.').split('.')) + b'\x00'


def header(qd=1, an=0, ns=0, ar=0, flags=0x8180, ident=0x1234):
    return struct.pack('>HHHHHH', ident, flags, qd, an, ns, ar)


def rr(owner, rtype, rdata, rclass=1, ttl=300):
    return owner + struct.pack('>HHIH', rtype, rclass, ttl, len(rdata)) + rdata


def opt(options=b'', owner=b'\x00', size=1232, ttl=0x8000):
    return rr(owner, 41, options, rclass=size, ttl=ttl)


def option(code, data):
    return struct.pack('>HH', code, len(data)) + data


def hostile_messages():
    q = name('example.com') + struct.pack('>HH', 1, 1)
    qe = header() + q  # a response header and question; records follow
    m = {}
    for n in range(12):
        m[f'short-header-{n}'] = header()[:n]
    m['pointer-to-itself'] = header() + b'\xc0\x0c' + struct.pack('>HH', 1, 1)
    m['pointer-loop-two'] = header() + b'\xc0\x0e\xc0\x0c' + struct.pack('>HH', 1, 1)
    m['pointer-forward'] = header() + b'\xc0\x12' + struct.pack('>HH', 1, 1) + name('x')
    m['pointer-out-of-range'] = header() + b'\xc0\xff' + struct.pack('>HH', 1, 1)
    m['pointer-cut'] = header() + b'\x03www\xc0'
    # 200 questions, each named by a pointer to the one before: the last name takes 199 hops (the limit is 127).
    chain = header(qd=200) + b'\x00' + struct.pack('>HH', 1, 1)
    for i in range(1, 200):
        chain += struct.pack('>H', 0xc000 | (12 if i == 1 else 12 + 5 + 6 * (i - 2))) + struct.pack('>HH', 1, 1)
    m['pointer-chain-200'] = chain
    m['label-type-0x40'] = header() + b'\x41' + b'a' * 10 + b'\x00' + struct.pack('>HH', 1, 1)
    m['label-type-0x80'] = header() + b'\x81' + b'a' * 10 + b'\x00' + struct.pack('>HH', 1, 1)
    n255 = b''.join(bytes([k]) + b'a' * k for k in (63, 63, 63, 61)) + b'\x00'
    assert len(n255) == 255
    m['name-255-octets'] = header() + n255 + struct.pack('>HH', 1, 1)
    n256 = b''.join(bytes([k]) + b'b' * k for k in (63, 63, 63, 62)) + b'\x00'
    assert len(n256) == 256
    m['name-256-octets'] = header() + n256 + struct.pack('>HH', 1, 1)
    label = b'\x3f' + b'z' * 63
    long = header(qd=0, an=5) + b'\x00' + struct.pack('>HHIH', 1, 1, 0, 4) + bytes(4)
    prev = 12
    for i in range(4):  # each owner adds a 63-octet label in front of the previous owner: the 4th is 257 octets
        here = len(long)
        long += label + struct.pack('>H', 0xc000 | prev) + struct.pack('>HHIH', 1, 1, 0, 4) + bytes(4)
        prev = here
    m['name-too-long-through-pointers'] = long
    m['huge-counts'] = header(qd=0xffff, an=0xffff, ns=0xffff, ar=0xffff) + q + rr(b'\xc0\x0c', 1, bytes(4))
    m['count-larger-than-records'] = header(an=3) + q + rr(b'\xc0\x0c', 1, bytes(4))
    m['trailing-bytes'] = qe + b'\x00' * 7
    m['rdlength-past-end'] = header(an=1) + q + b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 0, 400) + bytes(4)
    m['record-cut-in-fixed-fields'] = header(an=1) + q + b'\xc0\x0c\x00\x01\x00'
    m['a-3-octets'] = header(an=1) + q + rr(b'\xc0\x0c', 1, bytes(3))
    m['aaaa-15-octets'] = header(an=1) + q + rr(b'\xc0\x0c', 28, bytes(15))
    m['txt-string-past-rdata'] = header(an=1) + q + rr(b'\xc0\x0c', 16, b'\x10abc')
    m['txt-control-bytes'] = header(an=1) + q + rr(b'\xc0\x0c', 16, b'\x08a"\\\n\x00\x7f\xff\x1b')
    m['mx-name-past-rdata'] = header(an=1) + q + rr(b'\xc0\x0c', 15, b'\x00\x0a\x04mail')
    m['mx-compressed'] = header(an=1) + q + rr(b'\xc0\x0c', 15, b'\x00\x0a\x04mail\xc0\x0c')
    m['cname-loop-in-rdata'] = header(an=1) + q + b'\xc0\x0c' + struct.pack('>HHIH', 5, 1, 0, 2) + b'\xc0\x29'
    m['soa-short'] = header(an=1) + q + rr(b'\xc0\x0c', 6, b'\xc0\x0c\xc0\x0c' + bytes(19))
    m['srv-compressed-target'] = header(an=1) + q + rr(b'\xc0\x0c', 33, bytes(6) + b'\xc0\x0c')
    m['naptr-strings-past-rdata'] = header(an=1) + q + rr(b'\xc0\x0c', 35, bytes(4) + b'\x01a\x05b')
    m['rrsig-compressed-signer'] = header(an=1) + q + rr(b'\xc0\x0c', 46, bytes(18) + b'\xc0\x0c' + b'sig')
    m['nsec-bitmap-windows-out-of-order'] = header(an=1) + q + rr(b'\xc0\x0c', 47, name('a') + b'\x01\x01\x40\x00\x01\x40')
    m['nsec-bitmap-length-33'] = header(an=1) + q + rr(b'\xc0\x0c', 47, name('a') + b'\x00\x21' + b'\xff' * 33)
    m['nsec3-salt-past-rdata'] = header(an=1) + q + rr(b'\xc0\x0c', 50, b'\x01\x00\x00\x0a\xff')
    m['loc-version-1'] = header(an=1) + q + rr(b'\xc0\x0c', 29, b'\x01' + bytes(15))
    m['loc-huge-size'] = header(an=1) + q + rr(b'\xc0\x0c', 29, b'\x00\xff\xff\xff' + b'\xff' * 12)
    m['caa-tag-past-rdata'] = header(an=1) + q + rr(b'\xc0\x0c', 257, b'\x00\x40issue')
    m['caa-empty-tag'] = header(an=1) + q + rr(b'\xc0\x0c', 257, b'\x80\x00value')
    m['hinfo-one-string'] = header(an=1) + q + rr(b'\xc0\x0c', 13, b'\x03cpu')
    m['rrsig-times'] = header(an=1) + q + rr(b'\xc0\x0c', 46, struct.pack('>HBBIIIH', 1, 8, 2, 300, 0xffffffff, 0, 1) + b'\x00' + b'\xab' * 8)
    m['eui48-7-octets'] = header(an=1) + q + rr(b'\xc0\x0c', 108, bytes(7))
    m['ds-empty-digest'] = header(an=1) + q + rr(b'\xc0\x0c', 43, b'\x00\x01\x08\x02')
    m['sshfp-one-octet'] = header(an=1) + q + rr(b'\xc0\x0c', 44, b'\x01')
    m['uri-no-target'] = header(an=1) + q + rr(b'\xc0\x0c', 256, b'\x00\x01\x00\x01')
    m['zonemd-short'] = header(an=1) + q + rr(b'\xc0\x0c', 63, bytes(6))
    m['csync-bitmap-only'] = header(an=1) + q + rr(b'\xc0\x0c', 62, bytes(6) + b'\x00\x01\x40')
    m['tlsa-empty'] = header(an=1) + q + rr(b'\xc0\x0c', 52, b'')
    m['dnskey-empty-key'] = header(an=1) + q + rr(b'\xc0\x0c', 48, b'\x01\x01\x03\x08')
    m['openpgpkey-empty'] = header(an=1) + q + rr(b'\xc0\x0c', 61, b'')
    m['unknown-type-65280'] = header(an=1) + q + rr(b'\xc0\x0c', 65280, b'\x00\xff')
    m['md-mf-mb-mg-mr-minfo-rt-px-nxt'] = header(an=9) + q + b''.join(
        rr(b'\xc0\x0c', t, d) for t, d in [(3, b'\xc0\x0c'), (4, b'\xc0\xff'), (7, b'\x01'), (8, b'\xc0\x0c'),
                                           (9, name('x')), (14, b'\xc0\x0c'), (21, b'\x00'), (26, b'\x00\x01\xc0\x0c'),
                                           (30, b'\xc0\x0c\x00')])

    def svcb(params, target=b'\x00', prio=1, rtype=65):
        return header(an=1) + q + rr(b'\xc0\x0c', rtype, struct.pack('>H', prio) + target + params)
    kv = lambda k, v: struct.pack('>HH', k, len(v)) + v
    m['svcb-keys-out-of-order'] = svcb(kv(3, b'\x01\xbb') + kv(1, b'\x02h2'))
    m['svcb-duplicate-key'] = svcb(kv(1, b'\x02h2') + kv(1, b'\x02h3'))
    m['svcb-mandatory-names-itself'] = svcb(kv(0, b'\x00\x00\x00\x01') + kv(1, b'\x02h2'))
    m['svcb-mandatory-odd-length'] = svcb(kv(0, b'\x00\x01\x00'))
    m['svcb-alpn-empty-id'] = svcb(kv(1, b'\x00'))
    m['svcb-alpn-id-past-value'] = svcb(kv(1, b'\x05h2'))
    m['svcb-no-default-alpn-with-value'] = svcb(kv(2, b'x'))
    m['svcb-port-3-octets'] = svcb(kv(3, b'\x01\xbb\x00'))
    m['svcb-ipv4hint-5-octets'] = svcb(kv(4, bytes(5)))
    m['svcb-ech-empty'] = svcb(kv(5, b''))
    m['svcb-ipv6hint-17-octets'] = svcb(kv(6, bytes(17)))
    m['svcb-dohpath-escapes'] = svcb(kv(7, b'/q{?dns}\x00"\\\xff'), rtype=64)
    m['svcb-key-65535'] = svcb(kv(65535, b'\x01\x02'))
    m['svcb-value-past-rdata'] = svcb(struct.pack('>HH', 1, 40) + b'\x02h2')
    m['svcb-compressed-target'] = svcb(kv(1, b'\x02h2'), target=b'\xc0\x0c')
    m['svcb-alias-with-params'] = svcb(kv(1, b'\x02h2'), prio=0)
    m['svcb-valid-everything'] = svcb(kv(0, b'\x00\x01\x00\x04') + kv(1, b'\x02h2\x02h3') + kv(2, b'') + kv(3, b'\x01\xbb')
                                      + kv(4, bytes([192, 0, 2, 1])) + kv(5, b'\xab\xcd') + kv(6, bytes(15) + b'\x01')
                                      + kv(7, b'/dns-query{?dns}') + kv(8, b'') + kv(667, b'hello'), target=name('svc.example'))

    def with_opt(*records, an=0):
        return header(an=an, ar=len(records)) + q + b''.join(records)
    m['opt-option-past-rdata'] = with_opt(opt(struct.pack('>HH', 10, 30) + bytes(8)))
    m['opt-option-header-cut'] = with_opt(opt(b'\x00\x0a\x00'))
    m['opt-owner-not-root'] = with_opt(opt(b'', owner=b'\xc0\x0c'))
    m['opt-twice'] = with_opt(opt(option(3, b'')), opt(option(10, bytes(8))))
    m['opt-in-answer-section'] = header(an=1, ar=1) + q + opt(option(12, bytes(4))) + opt()
    m['opt-extended-rcode-badvers'] = with_opt(opt(ttl=0x01010000))
    m['opt-ecs-bad-family'] = with_opt(opt(option(8, b'\x00\x03\x18\x00\xc0\x00\x02')))
    m['opt-ecs-prefix-33'] = with_opt(opt(option(8, b'\x00\x01\x21\x00' + bytes(5))))
    m['opt-ecs-address-longer-than-prefix'] = with_opt(opt(option(8, b'\x00\x01\x08\x00\xc0\x00')))
    m['opt-ecs-v6-ok'] = with_opt(opt(option(8, b'\x00\x02\x38\x00' + bytes.fromhex('20010db8000000'))))
    m['opt-cookie-9-octets'] = with_opt(opt(option(10, bytes(9))))
    m['opt-cookie-41-octets'] = with_opt(opt(option(10, bytes(41))))
    m['opt-expire-3-octets'] = with_opt(opt(option(9, bytes(3))))
    m['opt-keepalive-1-octet'] = with_opt(opt(option(11, b'\x01')))
    m['opt-ede-1-octet'] = with_opt(opt(option(15, b'\x00')))
    m['opt-ede-text-control-bytes'] = with_opt(opt(option(15, b'\x00\x0fblocked\n\x00"\\\xc3\xa9')))
    m['opt-nsid-text'] = with_opt(opt(option(3, b'ns1 "a\\b"')))
    m['opt-padding-and-unknown'] = with_opt(opt(option(12, bytes(40)) + option(65001, b'\xde\xad') + option(0, b'')))
    return m


def conversation(directions, pick):
    """A FuzzTCPReassembly input (even first byte): for each direction (isn, [messages]), segments cut and shuffled
    by `pick(what)`, which returns the byte the reader takes for 'cut', 'retransmissions', 'key' or 'direction'."""
    out = bytes([0])
    counts = []
    for isn, messages in directions:
        out += struct.pack('>IB', isn, len(messages))
        stream = b''
        for m in messages:
            out += struct.pack('>H', len(m)) + m
            stream += struct.pack('>H', len(m)) + m
        at, cuts = 0, 0
        while at < len(stream):
            if cuts == 23:
                at = len(stream)
            else:
                b = pick('cut')
                out += bytes([b])
                at += min(1 + b * 4, len(stream) - at)
            cuts += 1
        retransmissions = 0
        if stream:
            retransmissions = pick('retransmissions') % 5
            out += bytes([retransmissions])
            for _ in range(retransmissions):
                out += struct.pack('>HB', pick('start') % len(stream), pick('length'))
        total = cuts + retransmissions + 1
        out += bytes(pick('key') for _ in range(total))
        counts.append(total)
    out += bytes(pick('direction') for _ in range(sum(counts)))
    return out


def tcp_inputs(dns):
    import random
    rng = random.Random(53)
    small = [m for m in dns if len(m) < 1024]
    inputs = []
    for i in range(0, min(len(small), 400), 4):
        queries, responses = small[i:i + 2], small[i + 2:i + 4]
        in_order = lambda what: 0 if what in ('key', 'direction', 'retransmissions') else 255
        shuffled = lambda what: rng.randrange(256)
        isns = (rng.randrange(2**32), 0xffffff00 + rng.randrange(256))
        inputs.append(conversation([(isns[0], queries), (isns[1], responses)], in_order))
        inputs.append(conversation([(isns[1], queries), (isns[0], responses)], shuffled))
    for mode in (1, 3):  # chaos: ops over four flows, default and small limits
        for n in range(20):
            inputs.append(bytes([mode]) + bytes(rng.randrange(256) for _ in range(rng.randrange(40, 400))))
    return inputs


def main():
    corpus, candidates, seeds = sys.argv[1:4]
    dns, frames, files = [], [], []
    for path in sorted(glob.glob(os.path.join(corpus, '*.pcap'))):
        head, records = pcap_records(open(path, 'rb').read())
        for sec, frac, orig, frame in records:
            etype, ip = ip_of_ethernet(frame)
            dns.extend(dns_messages(ip))
            if etype in (0x0800, 0x86dd):
                ip53 = with_port_53(ip)
                frames.append(frame_input(1, frame[:len(frame) - len(ip)] + ip53))
                frames.extend(frame_input(lt, f) for lt, f in link_variants(ip53))
                frames.append(frame_input(1, frame[:len(frame) - len(ip) + len(ip53) // 2] + ip53[:len(ip53) // 2], cut=len(ip53) - len(ip53) // 2))
            else:
                frames.append(frame_input(1, frame))
        # Slices of the file: the first records, a window in the middle, and the same under every container.
        for start, count in [(0, 1), (0, 3), (len(records) // 2, 2), (max(0, len(records) - 2), 2)]:
            part = [r for r in records[start:start + count] if len(r[3]) < 1500]
            if not part:
                continue
            files.append(pcap_file(part))
            files.append(pcap_file(part, big=True))
            files.append(pcap_file(part, nano=True))
            files.append(pcap_file(part, modified=True))
            files.append(pcap_file(part, snaplen=64))
            files.append(pcapng_file(part))
            files.append(pcapng_file(part, big=True, tsresol=0x89))
            files.append(pcapng_file(part, simple=True, extra=True))
            files.append(pcapng_file(part, obsolete=True, tsresol=9))
            files.append(pcap_file(part)[:-5])  # cut inside the last record
    for folder, inputs in [('FuzzDNSMessage', dns), ('FuzzPacket', frames), ('FuzzCaptureFile', files),
                           ('FuzzTCPReassembly', tcp_inputs(dns))]:
        for data in inputs:
            write(os.path.join(candidates, folder), data)

    hostile = hostile_messages()
    for label, data in hostile.items():
        write(os.path.join(seeds, 'FuzzDNSMessage'), data, 'hostile-' + label)
    # The same hostile messages as UDP and TCP payloads, and a few broken link, IP and transport headers.
    def udp4(payload, sport=40000, dport=53, proto=17, frag=0):
        udp = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload
        if proto == 6:
            udp = struct.pack('>HHIIBBHHH', sport, dport, 1, 0, 0x50, 0x18, 65535, 0, 0) + struct.pack('>H', len(payload)) + payload
        return struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 7, frag, 64, proto, 0, bytes([192, 0, 2, 1]), bytes([192, 0, 2, 53])) + udp
    pk = os.path.join(seeds, 'FuzzPacket')
    for label in ['pointer-loop-two', 'svcb-valid-everything', 'opt-twice', 'name-255-octets']:
        write(pk, frame_input(101, udp4(hostile[label])), 'hostile-udp-' + label)
        write(pk, frame_input(101, udp4(hostile[label], proto=6)), 'hostile-tcp-' + label)
    q = hostile['a-3-octets']
    v6 = struct.pack('>IHBB16s16s', 0x60000000, 8 + 8 + len(q), 0, 64, bytes(15) + b'\x01', bytes(15) + b'\x01')
    ext = bytes([17, 0]) + bytes(6)  # Hop-by-Hop, then UDP
    v6 = v6[:6] + bytes([0]) + v6[7:]
    write(pk, frame_input(229, v6 + ext + struct.pack('>HHHH', 53, 53, 8 + len(q), 0) + q), 'hostile-ipv6-hop-by-hop')
    loop_ext = bytes([0, 0]) + bytes(6)
    write(pk, frame_input(229, v6[:4] + struct.pack('>H', 8 * 20) + v6[6:] + loop_ext * 20), 'hostile-ipv6-20-extension-headers')
    write(pk, frame_input(101, udp4(q, frag=0x2000)), 'hostile-ipv4-first-fragment')
    write(pk, frame_input(101, udp4(q, frag=0x0003)), 'hostile-ipv4-last-fragment')
    write(pk, frame_input(101, udp4(q)[:20 + 8 + 5], cut=100), 'hostile-ipv4-snap-cut')
    write(pk, frame_input(101, b'\x4f' + udp4(q)[1:]), 'hostile-ipv4-ihl-15')
    write(pk, frame_input(101, udp4(q)[:2] + b'\x00\x05' + udp4(q)[4:]), 'hostile-ipv4-total-length-5')
    write(pk, frame_input(101, udp4(q)[:24] + b'\x00\x04' + udp4(q)[26:]), 'hostile-udp-length-4')
    icmp = struct.pack('>BBHI', 3, 3, 0, 0) + udp4(q)[:28]
    write(pk, frame_input(101, struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0, bytes(4), bytes(4)) + icmp), 'hostile-icmp-port-unreachable')
    write(pk, frame_input(1, bytes(12) + b'\x81\x00' * 30), 'hostile-ethernet-vlan-tags-only')
    write(pk, frame_input(113, bytes(10)), 'hostile-sll-cut')
    write(pk, frame_input(0, struct.pack('<I', 0x02000000) + udp4(q)), 'hostile-null-swapped-family')
    cf = os.path.join(seeds, 'FuzzCaptureFile')
    write(cf, b'', 'hostile-empty')
    write(cf, b'\xd4\xc3\xb2', 'hostile-three-bytes')
    write(cf, struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1) + struct.pack('<IIII', 0, 0, 0x7fffffff, 0), 'hostile-pcap-record-2gb')
    write(cf, struct.pack('<IHHiIII', 0xa1b2c3d4, 3, 0, 0, 0, 65535, 1), 'hostile-pcap-version-3')
    shb = pcapng_block('<', 0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
    write(cf, shb + struct.pack('<II', 6, 13) + bytes(8), 'hostile-pcapng-length-13')
    write(cf, shb + struct.pack('<II', 6, 0x7ffffff0) + bytes(8), 'hostile-pcapng-length-2gb')
    write(cf, shb + pcapng_block('<', 6, bytes(20))[:-4] + struct.pack('<I', 99), 'hostile-pcapng-trailer-mismatch')
    write(cf, shb + pcapng_block('<', 6, struct.pack('<IIIII', 0, 0, 0, 0, 0)), 'hostile-pcapng-epb-without-interface')
    write(cf, shb + pcapng_block('<', 1, struct.pack('<HHI', 1, 0, 0) + struct.pack('<HH', 9, 1) + b'\xff\x00\x00\x00')
          + pcapng_block('<', 6, struct.pack('<IIIII', 0, 0xffffffff, 0xffffffff, 0, 0)), 'hostile-pcapng-tsresol-2-255')
    write(cf, shb + pcapng_block('<', 1, struct.pack('<HHI', 1, 0, 0) + struct.pack('<HH', 14, 8) + struct.pack('<q', -2**63))
          + pcapng_block('<', 6, struct.pack('<IIIII', 0, 0, 5, 0, 0)), 'hostile-pcapng-tsoffset-min')
    write(cf, shb + pcapng_block('<', 0x40000bad, bytes(4000)), 'hostile-pcapng-big-custom-block')
    write(cf, shb + pcapng_block('<', 6, struct.pack('<IIIII', 0, 0, 0, 100, 100)), 'hostile-pcapng-captured-past-block')
    tcp = os.path.join(seeds, 'FuzzTCPReassembly')
    write(tcp, conversation([(0xfffffff0, [b'', hostile['name-255-octets']]), (7, [b'\x00' * 1023] * 4)],
                            lambda what: 1 if what == 'cut' else 0), 'hostile-wrap-empty-and-large-messages')
    countdown = iter(range(255, 0, -1))  # keys in decreasing order: the segments arrive last first
    write(tcp, conversation([(0, [hostile['svcb-valid-everything']] * 4), (1, [])],
                            lambda what: next(countdown) if what == 'key' else {'cut': 0, 'retransmissions': 4, 'start': 3, 'length': 200}.get(what, 1)),
          'hostile-all-reversed-with-retransmissions')


if __name__ == '__main__':
    main()
