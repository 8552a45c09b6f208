#!/usr/bin/env python3
"""Remove TCP segments from a DNS-over-TCP capture, as a lossy capture would have missed them, and say which DNS
messages survive whole.

    cut-segments.py CLEAN.pcap OUT.pcap RULE
    cut-segments.py --whole FULL.pcap PARTIAL.pcap    the messages of FULL, and which PARTIAL holds whole (JSON)
    cut-segments.py --late-fills CAPTURE.pcap         how many segments filled a hole after later data came

CLEAN.pcap is a classic pcap (Ethernet) of DNS over TCP made by make-captures.sh. RULE picks the frames to drop:

    mid-stream     one data segment from the middle of the server's biggest answer in the middle of the connection
    large-both     a run of consecutive data segments in each direction, about a third of each stream
    no-syn-prefix  the handshake (SYN, SYN-ACK and the ACK after them) and the segment that holds the first
                   query's length prefix alone (the client sent it apart)
    none           nothing (a capture whose holes were made by the network and filled by retransmissions)

The ACKs of the other side are left as they were: they acknowledge the bytes the capture lost, as they would have.
Beside OUT.pcap it writes OUT.pcap.expected.json: every DNS message of the clean capture (stream direction, id,
response flag, qname, qtype, rcode, answer count) with `whole`: whether every byte of it and of its length prefix is
in OUT.pcap, and the list of dropped frame numbers. A decoder must produce each whole message.
"""
import json
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file")
    header = data[:24]
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype}, expected Ethernet (1)")
    records = []
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack(e + "IIII", data[offset:offset + 16])
        records.append((data[offset:offset + 16], data[offset + 16:offset + 16 + caplen]))
        offset += 16 + caplen
    return header, records


def tcp_of(frame):
    """(src, sport, dst, dport, seq, ack, flags, payload) or None."""
    etype = struct.unpack("!H", frame[12:14])[0]
    at = 14
    while etype in (0x8100, 0x88A8):
        etype = struct.unpack("!H", frame[at + 2:at + 4])[0]
        at += 4
    if etype == 0x0800:
        ihl = (frame[at] & 0xF) * 4
        total = struct.unpack("!H", frame[at + 2:at + 4])[0]
        if frame[at + 9] != 6:
            return None
        src, dst = frame[at + 12:at + 16], frame[at + 16:at + 20]
        tcp = frame[at + ihl:at + total]
    elif etype == 0x86DD:
        if frame[at + 6] != 6:
            return None
        plen = struct.unpack("!H", frame[at + 4:at + 6])[0]
        src, dst = frame[at + 8:at + 24], frame[at + 24:at + 40]
        tcp = frame[at + 40:at + 40 + plen]
    else:
        return None
    sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
    off = (tcp[12] >> 4) * 4
    flags = tcp[13]
    return (bytes(src), sport, bytes(dst), dport, seq, ack, flags, tcp[off:])


def address(raw):
    import ipaddress
    return str(ipaddress.ip_address(raw))


def parse_message(m):
    ident, flags, qd, an = struct.unpack("!HHHH", m[:8])
    qname, qtype = None, None
    if qd >= 1:
        labels, at = [], 12
        while at < len(m) and m[at] != 0 and m[at] < 64:
            labels.append(m[at + 1:at + 1 + m[at]].decode("ascii", "replace"))
            at += 1 + m[at]
        qname = ".".join(labels)
        qtype = struct.unpack("!H", m[at + 1:at + 3])[0] if at + 3 <= len(m) else None
    return {"id": ident, "response": bool(flags & 0x8000), "rcode": flags & 0xF, "qname": qname, "qtype": qtype, "an_count": an}


def streams(records, isns=None):
    """Per direction: its ISN-relative data, segment list [(frame, start, end)], handshake frames. With `isns`
    (direction -> ISN, from another capture of the same connections), positions count from those."""
    flows = {}
    for number, (_, frame) in enumerate(records, start=1):
        t = tcp_of(frame)
        if t is None:
            continue
        src, sport, dst, dport, seq, ack, flags, payload = t
        key = (src, sport, dst, dport)
        f = flows.setdefault(key, {"isn": (isns or {}).get(key), "segments": [], "syn": [], "bytes": {}})
        if flags & 0x02:
            if isns is None:
                f["isn"] = seq
            f["syn"].append(number)
            continue
        if f["isn"] is None:
            # The capture joined late: number from the first byte seen.
            f["isn"] = (seq - 1) & 0xFFFFFFFF
        if payload:
            start = (seq - f["isn"] - 1) & 0xFFFFFFFF
            f["segments"].append((number, start, start + len(payload)))
            for i, b in enumerate(payload):
                f["bytes"].setdefault(start + i, b)
    return flows


def messages_of(flow):
    data = flow["bytes"]
    out, at = [], 0
    while at in data and at + 1 in data:
        length = data[at] << 8 | data[at + 1]
        if any((at + 2 + i) not in data for i in range(length)):
            break
        out.append((at, at + 2 + length, bytes(data[at + 2 + i] for i in range(length))))
        at += 2 + length
    return out


def choose(rule, records, flows):
    keys = sorted(flows, key=lambda k: min([s[0] for s in flows[k]["segments"]] + flows[k]["syn"] + [10**9]))
    client = next(k for k in keys if k[3] == 53)
    server = next(k for k in keys if k[1] == 53)
    drop = set()
    if rule == "mid-stream":
        # The middle one of the answers that span several segments; its middle segment.
        spans = []
        for start, end, body in messages_of(flows[server]):
            segs = [s for s in flows[server]["segments"] if s[1] < end and s[2] > start]
            if len(segs) >= 3:
                spans.append(segs)
        segs = spans[len(spans) // 2]
        drop.add(segs[len(segs) // 2][0])
    elif rule == "large-both":
        for k in (client, server):
            segs = flows[k]["segments"]
            third = len(segs) // 3
            drop.update(s[0] for s in segs[third:2 * third])
    elif rule == "no-syn-prefix":
        drop.update(flows[client]["syn"] + flows[server]["syn"])
        # The handshake's last ACK: the client's first segment, without data, before any data.
        first_data = min(s[0] for s in flows[client]["segments"])
        for number in range(1, first_data):
            t = tcp_of(records[number - 1][1])
            if t and (t[0], t[1], t[2], t[3]) == client and not t[7]:
                drop.add(number)
        prefix = [s for s in flows[client]["segments"] if s[1] == 0 and s[2] == 2]
        if not prefix:
            raise SystemExit("no segment holds the first length prefix alone: make the capture with --prefix-apart")
        drop.add(prefix[0][0])
    elif rule != "none":
        raise SystemExit(f"unknown rule {rule}")
    return drop


def late_fills(path):
    """Segments that brought bytes missing behind data that had arrived already: holes filled late."""
    _, records = read_pcap(path)
    flows = streams(records)
    count = 0
    for flow in flows.values():
        seen, high = set(), 0
        for number, start, end in flow["segments"]:
            fresh = [i for i in range(start, end) if i not in seen]
            if fresh and fresh[0] < high:
                count += 1
            seen.update(range(start, end))
            high = max(high, end)
    return count


def whole_in(full_path, partial_path):
    """The messages of FULL (a capture that missed nothing, of the same connections), each with `whole`: whether
    PARTIAL (a lossy capture) holds all its bytes."""
    _, full_records = read_pcap(full_path)
    _, partial_records = read_pcap(partial_path)
    flows = streams(full_records)
    partial = streams(partial_records, isns={k: f["isn"] for k, f in flows.items()})
    out = []
    for key, flow in flows.items():
        present = set()
        for _, start, end in partial.get(key, {"segments": []})["segments"]:
            present.update(range(start, end))
        for start, end, body in messages_of(flow):
            m = parse_message(body)
            m.update(src=address(key[0]), sport=key[1], dst=address(key[2]), dport=key[3],
                     whole=all(i in present for i in range(start, end)))
            out.append(m)
    return {"messages": out}


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--whole":
        json.dump(whole_in(sys.argv[2], sys.argv[3]), sys.stdout)
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--late-fills":
        print(late_fills(sys.argv[2]))
        return
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    clean, out, rule = sys.argv[1:]
    header, records = read_pcap(clean)
    flows = streams(records)
    drop = choose(rule, records, flows)
    with open(out, "wb") as f:
        f.write(header)
        for number, (h, frame) in enumerate(records, start=1):
            if number not in drop:
                f.write(h + frame)
    kept = {}
    for key, flow in flows.items():
        present = set()
        for number, start, end in flow["segments"]:
            if number not in drop:
                present.update(range(start, end))
        kept[key] = present
    expected = []
    for key, flow in flows.items():
        for start, end, body in messages_of(flow):
            m = parse_message(body)
            m.update(src=address(key[0]), sport=key[1], dst=address(key[2]), dport=key[3],
                     whole=all(i in kept[key] for i in range(start, end)))
            expected.append(m)
    with open(out + ".expected.json", "w") as f:
        json.dump({"rule": rule, "dropped_frames": sorted(drop), "messages": expected}, f, indent=1)
        f.write("\n")
    whole = sum(m["whole"] for m in expected)
    print(f"{out}: dropped {len(drop)} frames; {whole} of {len(expected)} messages whole", file=sys.stderr)


if __name__ == "__main__":
    main()
