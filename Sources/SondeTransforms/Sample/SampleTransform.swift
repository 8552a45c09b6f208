public import SondeCore
import SondeDNS
import SondePacket
import SondeDnstap

/// `kind: sample`: keeps a share of the events, for every input (global) or per output (`1:100` to an expensive
/// store, everything to a file).
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
public final class SampleTransform: TransformComponent {
    public static let kind = "sample"
    public static let reference = ComponentReference("""
        - kind: sample           # keep a share of the events
          rate: <required>       # "1:100" keeps 1 of every 100 in turn; "0.01" or "1%" a share at random
          flow: false            # decide per transaction: a query and its response are kept or left out together
        """)


    enum Mode: Sendable {
        case every(keep: Int, of: Int)
        case random(threshold: UInt64)
        case flow(threshold: UInt64)
    }

    let mode: Mode

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        guard let text = s.string("rate") else {
            s.report(nil, "a sample needs `rate` (\"1:100\", \"0.01\" or \"1%\")")
            return nil
        }
        let flow = s.bool("flow") ?? false
        guard let (keep, of) = Self.parse(text) else {
            s.report("rate", "\"\(text)\" is not a rate (\"1:100\" keeps 1 of 100; \"0.01\" or \"1%\" a share at random)")
            return nil
        }
        // The share as a threshold on 64-bit hashes and random numbers.
        let threshold = keep >= of ? UInt64.max : UInt64(Double(keep) / Double(of) * 18_446_744_073_709_551_615.0)
        if flow {
            mode = .flow(threshold: threshold)
        } else if text.contains(":") {
            mode = .every(keep: keep, of: of)
        } else {
            mode = .random(threshold: threshold)
        }
    }

    /// `a:b` (1 ≤ a ≤ b), `0.01`, `1%`: as a fraction keep / of.
    static func parse(_ text: String) -> (Int, Int)? {
        let t = text.trimmingWhitespace
        if let colon = t.firstIndex(of: ":") {
            guard let a = Int(t[..<colon]), let b = Int(t[t.index(after: colon)...]), a >= 1, b >= a else { return nil }
            return (a, b)
        }
        let percent = t.hasSuffix("%")
        guard var v = Double(percent ? String(t.dropLast()) : t) else { return nil }
        if percent { v /= 100 }
        guard v > 0 && v <= 1 else { return nil }
        return (Int((v * 1_000_000_000).rounded()), 1_000_000_000)
    }

    public func makeStage() -> any EventStage { Stage(mode: mode) }

    struct Stage: EventStage {
        let mode: Mode
        var position = 0
        // xorshift64*: a fast generator per producer; sampling needs no cryptographic quality.
        var state: UInt64 = UInt64.random(in: 1...UInt64.max)

        mutating func apply(_ rows: inout EventRows) {
            switch mode {
            case .every(let keep, let of):
                var p = position
                rows.retain { _, _, _ in
                    let kept = p < keep
                    p = p + 1 == of ? 0 : p + 1
                    return kept
                }
                position = p
            case .random(let threshold):
                var x = state
                rows.retain { _, _, _ in
                    x ^= x >> 12
                    x ^= x << 25
                    x ^= x >> 27
                    return x &* 0x2545_F491_4F6C_DD1D <= threshold
                }
                state = x
            case .flow(let threshold):
                rows.retain { e, _, _ in Self.flowHash(e) <= threshold }
            }
        }

        /// The same for a query and its response: the client's and the server's side, the transport, the ID and
        /// the question's name.
        static func flowHash(_ e: UnsafePointer<DNSEvent>) -> UInt64 {
            let response = e.pointee.layout.isResponse
            let client = response ? e.pointee.destination : e.pointee.source
            let server = response ? e.pointee.source : e.pointee.destination
            let clientPort = response ? e.pointee.destinationPort : e.pointee.sourcePort
            let serverPort = response ? e.pointee.sourcePort : e.pointee.destinationPort
            var h = e.pointee.layout.qnameHash
            @inline(__always) func mix(_ v: UInt64) {
                h = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
            }
            mix(client.high)
            mix(client.low)
            mix(server.high)
            mix(server.low)
            mix(UInt64(clientPort) << 32 | UInt64(serverPort) << 16 | UInt64(e.pointee.layout.id))
            mix(UInt64(e.pointee.transport.rawValue))
            h ^= h >> 32
            return h &* 0xD6E8_FEB8_6659_FD93
        }
    }
}
