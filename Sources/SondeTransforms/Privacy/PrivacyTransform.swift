public import SondeCore
import SondeDNS
import SondePacket
import SondeDnstap

/// `kind: privacy`: masks or pseudonymises addresses, and optionally cuts question names to the registered domain.
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
/// `hash` replaces an address with the first 4 (IPv4) or 16 (IPv6) octets of HMAC-SHA256(key, address): the same
/// address always gives the same result, and the family is kept, so stores with address columns still work.
/// `cryptopan` is prefix-preserving (Xu et al.; AES-128): two addresses sharing their first k bits give results
/// sharing exactly their first k bits, so subnets stay comparable.
public final class PrivacyTransform: TransformComponent {
    public static let kind = "privacy"
    public static let reference = ComponentReference("""
        - kind: privacy          # addresses masked or pseudonymised; question names cut to the registered domain
          addresses: both        # client | server | both
          mode: <none>           # mask | hash (HMAC-SHA256, same family) | cryptopan (prefix-preserving, AES-128)
          ipv4_prefix: 24        # mask: bits kept
          ipv6_prefix: 48        # mask: bits kept
          key_file: <none>       # hash, cryptopan: the key (cryptopan: 32 octets, raw or 64 hex digits) ...
          key_env: <none>        # ... or the name of an environment variable holding it; never logged
          qname: <none>          # registered: keep only the registered domain of question names
          public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat
          private_domains: true
        """)


    enum Mode: String, CaseIterable { case mask, hash, cryptopan }
    enum Which: String, CaseIterable { case client, server, both }

    let mode: Mode?
    let which: Which
    let mask: AddressPrefixMask?
    let key: [UInt8]
    let suffixes: ReloadingResource<PublicSuffixList>?

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        which = s.choice("addresses") ?? .both
        let mode: Mode? = s.choice("mode")
        let v4 = s.int("ipv4_prefix", 0...32) ?? 24
        let v6 = s.int("ipv6_prefix", 0...128) ?? 48
        var key: [UInt8] = []
        let rawLength = mode == .cryptopan ? CryptoPAn.keyLength : nil
        if let path = s.string("key_file") {
            do { key = Self.decodeKey(try FileBytes.read(path, limit: 4096), rawLength: rawLength) } catch { s.report("key_file", "\(error)") }
        }
        if let name = s.string("key_env") {
            if let value = SondeEnvironment.value(name) {
                key = Self.decodeKey(Array(value.utf8), rawLength: rawLength)
            } else {
                s.report("key_env", "the environment has no \(name)")
            }
        }
        let qname = s.string("qname")
        let pslPath = s.string("public_suffix_list") ?? PublicSuffixList.debianPath
        let privateDomains = s.bool("private_domains") ?? true
        self.mode = mode
        self.key = key
        do { mask = try AddressPrefixMask(ipv4Bits: v4, ipv6Bits: v6) } catch {
            s.report(nil, "\(error)")
            return nil
        }
        if mode == nil && qname == nil { s.report("mode", "a privacy transform needs `mode` (mask, hash or cryptopan) or `qname: registered`") }
        switch mode {
        case .hash:
            if key.count < KeyedAddressHash.minimumKeyLength { s.report("key_file", "mode hash needs a key of at least \(KeyedAddressHash.minimumKeyLength) octets (key_file or key_env)") }
        case .cryptopan:
            if key.count != CryptoPAn.keyLength { s.report("key_file", "mode cryptopan needs a key of exactly \(CryptoPAn.keyLength) octets, raw or as 64 hex digits (key_file or key_env); it has \(key.count)") }
        default: break
        }
        if let qname {
            guard qname == "registered" else {
                s.report("qname", "the only value is `registered` (keep the registered domain)")
                return nil
            }
            do {
                suffixes = try PublicSuffixList.resource(pslPath, privateDomains: privateDomains, context: context)
            } catch {
                s.report("public_suffix_list", "\(error)")
                return nil
            }
        } else {
            suffixes = nil
        }
    }

    /// Hex digits (at least 32) are the octets they spell; anything else is taken as it is (trailing newline aside).
    /// A key of exactly `rawLength` octets (Crypto-PAn's 32), before or after its trailing newline, is raw octets
    /// whatever they are: a random key may end in a byte that reads as a newline or a space, or be all hex digits.
    static func decodeKey(_ raw: [UInt8], rawLength: Int? = nil) -> [UInt8] {
        if raw.count == rawLength { return raw }
        var b = raw
        while let last = b.last, last == 0x0a || last == 0x0d || last == 0x20 { b.removeLast() }
        if b.count == rawLength { return b }
        if b.count % 2 == 0 && b.count >= 32, b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) {
            return stride(from: 0, to: b.count, by: 2).map { UInt8(String(decoding: b[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
        return b
    }

    public var hidesQuestionName: Bool { suffixes != nil }

    public func makeStage() -> any EventStage {
        let anonymizer: (any AddressAnonymizer)?
        switch mode {
        case .mask: anonymizer = mask
        // 65,536 results per producer (768 KiB for IPv4, 2.5 MiB with IPv6): a direct-mapped cache keeps about
        // e^(-W/N) of a working set of W clients, so this holds ~98% of 1,000 busy clients.
        case .hash: anonymizer = try? KeyedAddressHash(key: key, cacheEntries: 1 << 16)
        case .cryptopan: anonymizer = try? CryptoPAn(key: key, cacheEntries: 1 << 16)
        case nil: anonymizer = nil
        }
        return Stage(anonymizer: anonymizer, which: which, suffixes: suffixes)
    }

    struct Stage: EventStage {
        let anonymizer: (any AddressAnonymizer)?
        let which: Which
        let suffixes: ReloadingResource<PublicSuffixList>?

        mutating func apply(_ rows: inout EventRows) {
            if let anonymizer {
                for i in 0..<rows.count {
                    let e = rows.mutableEvent(i)
                    let response = e.pointee.markers.contains(.noMessage) ? !e.pointee.dnstap.isQuery : e.pointee.layout.isResponse
                    // The client is a query's source and a response's destination.
                    if which != .server {
                        if response { e.pointee.destination = Self.anonymize(e.pointee.destination, anonymizer) } else {
                            e.pointee.source = Self.anonymize(e.pointee.source, anonymizer)
                        }
                    }
                    if which != .client {
                        if response { e.pointee.source = Self.anonymize(e.pointee.source, anonymizer) } else {
                            e.pointee.destination = Self.anonymize(e.pointee.destination, anonymizer)
                        }
                    }
                    e.pointee.markers.insert(.rewritten)
                }
            }
            if let list = suffixes?.current {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                    for i in 0..<rows.count {
                        let e = rows.event(i)
                        let l = e.pointee.layout
                        guard l.hasQuestion && !e.pointee.markers.contains(.noMessage),
                            let name = QuestionName.lowercased(rows.message(i), at: Int(l.questionOffset), into: buffer),
                            let match = list.match(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(name)[0..<max(name.count - 1, 0)])),
                            let kept = match.registrableLabels
                        else { continue }
                        rows.mutableEnrichment(i).pointee.qnameKeptLabels = UInt8(clamping: kept)
                    }
                }
            }
        }

        static func anonymize(_ a: IPAddress, _ anonymizer: any AddressAnonymizer) -> IPAddress {
            if a.family == .v4 { return IPAddress(ipv4: anonymizer.anonymize(ipv4: UInt32(truncatingIfNeeded: a.low))) }
            let r = anonymizer.anonymize(ipv6High: a.high, low: a.low)
            return IPAddress(ipv6High: r.high, low: r.low)
        }
    }
}
