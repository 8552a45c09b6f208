import Foundation

/// Just enough of classic pcap, Ethernet, IPv4, IPv6 and UDP to pull DNS payloads out of the test corpus.
/// (The real packet code lives in SondePacket; this stays small on purpose.)
enum PcapWalker {
    /// The UDP ports the corpus uses for DNS.
    static let dnsPorts: Set<UInt16> = [53, 5300, 5302, 5303, 5310, 5320]

    /// `<repo>/../shared/corpus/pcap`, else `/work/shared/corpus/pcap`, else `nil`.
    static func corpusDirectory() -> URL? {
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // SondeDNSTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // the repository
        let candidates = [
            repo.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap"),
            URL(fileURLWithPath: "/work/shared/corpus/pcap"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The DNS-over-UDP payloads of the named corpus files, in file order; `nil` when the corpus is missing.
    static func corpusPayloads(_ files: [String] = ["lo-mixed.pcap", "gen-sample.pcap"]) -> [[UInt8]]? {
        guard let directory = corpusDirectory() else { return nil }
        var payloads: [[UInt8]] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
                return nil
            }
            payloads += udpPayloads(Array(data), ports: dnsPorts)
        }
        return payloads
    }

    /// The UDP payloads to or from `ports` in a classic pcap file of Ethernet frames.
    static func udpPayloads(_ file: [UInt8], ports: Set<UInt16>) -> [[UInt8]] {
        guard file.count >= 24 else { return [] }
        let magic = UInt32(file[0]) | UInt32(file[1]) << 8 | UInt32(file[2]) << 16 | UInt32(file[3]) << 24
        let littleEndian: Bool
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D: littleEndian = true
        case 0xD4C3_B2A1, 0x4D3C_B2A1: littleEndian = false
        default: return []
        }
        func u32(_ at: Int) -> Int {
            let b = (0..<4).map { Int(file[at + $0]) }
            return littleEndian ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
        }
        guard u32(20) & 0xFFFF == 1 else { return [] }  // LINKTYPE_ETHERNET
        var payloads: [[UInt8]] = []
        var pos = 24
        while pos + 16 <= file.count {
            let captured = u32(pos + 8)
            let start = pos + 16
            pos = start + captured
            guard pos <= file.count else { break }
            if let payload = udpPayload(ofFrame: Array(file[start..<pos]), ports: ports) {
                payloads.append(payload)
            }
        }
        return payloads
    }

    private static func udpPayload(ofFrame frame: [UInt8], ports: Set<UInt16>) -> [UInt8]? {
        func u16(_ at: Int) -> Int { Int(frame[at]) << 8 | Int(frame[at + 1]) }
        guard frame.count >= 14 else { return nil }
        var etherType = u16(12)
        var ip = 14
        if etherType == 0x8100, frame.count >= 18 {  // one VLAN tag
            etherType = u16(16)
            ip = 18
        }
        let udp: Int
        switch etherType {
        case 0x0800:
            guard frame.count >= ip + 20, frame[ip] >> 4 == 4, frame[ip + 9] == 17 else { return nil }
            guard u16(ip + 6) & 0x3FFF == 0 else { return nil }  // a fragment: not reassembled here
            udp = ip + Int(frame[ip] & 0x0F) * 4
        case 0x86DD:
            guard frame.count >= ip + 40, frame[ip + 6] == 17 else { return nil }  // no extension headers
            udp = ip + 40
        default:
            return nil
        }
        guard frame.count >= udp + 8 else { return nil }
        let source = UInt16(u16(udp)), destination = UInt16(u16(udp + 2))
        guard ports.contains(source) || ports.contains(destination) else { return nil }
        let end = min(frame.count, udp + max(8, u16(udp + 4)))
        return Array(frame[(udp + 8)..<end])
    }
}
