#if canImport(Glibc)
import Glibc
#endif
public import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// `kind: suspicious`: flags events that look like tunnelling, random-subdomain floods or malformed traffic, with a
/// score (the number of reasons) and the reasons (`suspicious: {score: 2, reasons: [long_name, high_entropy]}`).
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
/// Characters outside the host name set (letters, digits, `-`, `_`) and malformed messages are reasons too.
public final class SuspiciousTransform: TransformComponent {
    public static let kind = "suspicious"
    public static let reference = ComponentReference("""
        - kind: suspicious       # suspicious: {score, reasons} on events that look like tunnelling or floods
          max_qname_length: 100  # octets of the question's name (long_name)
          max_labels: 10         # (many_labels)
          max_label_length: 40   # (long_label)
          max_size: 1232         # octets of the message (oversized)
          entropy: 3.6           # bits per character of a label (high_entropy) ...
          entropy_min_length: 12 # ... of at least this many characters
          common_qtypes: [A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, HTTPS, SVCB, DS, DNSKEY, CAA, NAPTR]
                                 # others are uncommon_type; characters outside letters, digits, - and _ are
                                 # unusual_characters; malformed messages are malformed
        """)


    struct Thresholds: Sendable {
        var qnameLength = 100
        var labels = 10
        var labelLength = 40
        var size = 1232
        var entropy = 3.6
        var entropyMinLength = 12
        /// Bit per qtype below 256 that counts as common (others are uncommon).
        var common = [Bool](repeating: false, count: 65536)
    }

    let thresholds: Thresholds

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        var t = Thresholds()
        t.qnameLength = s.int("max_qname_length", 1...255) ?? t.qnameLength
        t.labels = s.int("max_labels", 1...127) ?? t.labels
        t.labelLength = s.int("max_label_length", 1...63) ?? t.labelLength
        t.size = s.int("max_size", 12...65535) ?? t.size
        t.entropy = s.double("entropy", 0...8) ?? t.entropy
        t.entropyMinLength = s.int("entropy_min_length", 2...63) ?? t.entropyMinLength
        let names = s.strings("common_qtypes") ?? ["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "HTTPS", "SVCB", "DS", "DNSKEY", "CAA", "NAPTR"]
        for name in names {
            guard let code = DNSType.code(forMnemonic: name.uppercased()) else {
                s.report("common_qtypes", "unknown type \"\(name)\"")
                continue
            }
            t.common[Int(code)] = true
        }
        thresholds = t
    }

    public func makeStage() -> any EventStage { Stage(t: thresholds) }

    struct Stage: EventStage {
        let t: Thresholds

        mutating func apply(_ rows: inout EventRows) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                for i in 0..<rows.count {
                    let e = rows.event(i)
                    let message = rows.message(i)
                    var reasons: SuspicionReasons = []
                    let l = e.pointee.layout
                    if l.isMalformed { reasons.insert(.malformed) }
                    if message.count > t.size { reasons.insert(.oversized) }
                    if l.hasQuestion && !e.pointee.markers.contains(.noMessage) {
                        if !t.common[Int(l.qtype)] { reasons.insert(.uncommonType) }
                        if let name = QuestionName.lowercased(message, at: Int(l.questionOffset), into: buffer) {
                            reasons.formUnion(check(name))
                        }
                    }
                    guard !reasons.isEmpty else { continue }
                    let en = rows.mutableEnrichment(i)
                    en.pointee.suspicionReasons = reasons
                    en.pointee.suspicionScore = UInt8(reasons.rawValue.nonzeroBitCount)
                }
            }
        }

        /// The name's own reasons: its length, labels, characters and the randomness of its labels.
        func check(_ name: UnsafeBufferPointer<UInt8>) -> SuspicionReasons {
            var reasons: SuspicionReasons = []
            if name.count - 1 > t.qnameLength { reasons.insert(.longName) }
            var labels = 0
            var start = 0
            var odd = false
            for (i, b) in name.enumerated() {
                if b == UInt8(ascii: ".") {
                    let length = i - start
                    if length > 0 {
                        labels += 1
                        if length > t.labelLength { reasons.insert(.longLabel) }
                        if length >= t.entropyMinLength
                            && Self.entropy(UnsafeBufferPointer(rebasing: name[start..<i])) > t.entropy
                        {
                            reasons.insert(.highEntropy)
                        }
                    }
                    start = i + 1
                } else if !Self.isHostCharacter(b) {
                    odd = true
                }
            }
            if labels > t.labels { reasons.insert(.manyLabels) }
            if odd { reasons.insert(.unusualCharacters) }
            return reasons
        }

        @inline(__always)
        static func isHostCharacter(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x2d || b == 0x5f
        }

        /// Shannon entropy of the label's characters, in bits per character.
        static func entropy(_ label: UnsafeBufferPointer<UInt8>) -> Double {
            var counts = (SIMD64<UInt8>(), SIMD64<UInt8>(), SIMD64<UInt8>(), SIMD64<UInt8>())
            withUnsafeMutableBytes(of: &counts) { c in
                for b in label { c[Int(b)] &+= 1 }
            }
            let n = Double(label.count)
            var sum = 0.0
            withUnsafeMutableBytes(of: &counts) { c in
                for b in label where c[Int(b)] != 0 {
                    // Each distinct character once (its count is cleared after): -p·log2(p) for its share p.
                    let p = Double(c[Int(b)]) / n
                    sum -= p * log2(p)
                    c[Int(b)] = 0
                }
            }
            return sum
        }
    }
}
