/// What transforms add to an event beyond its decoded message: GeoIP, the public suffix, suspicion, tags, and how
/// the question's name is to be written (lowercased, cut to the registered domain).
///
/// It is a fixed-size value kept beside the events (``EventBatch`` and ``EventRows`` hold one per event, allocated
/// only once a transform enriches), so events that nobody enriches pay nothing. Variable data is referenced, not
/// copied: GeoIP records live in the GeoIP transform's table for the length of a batch, tag sets in their
/// transform, both alive while the batch is formatted.
public struct EventEnrichment: @unchecked Sendable {
    /// GeoIP of the client (the query's source, the response's destination) and of the server, when looked up.
    public var clientGeo: UnsafePointer<GeoRecord>?
    public var serverGeo: UnsafePointer<GeoRecord>?
    /// Static fields (`tags:`), owned by their transform.
    public var tags: Unmanaged<TagSet>?
    /// Labels of the question name's public suffix (`tld`) and registered domain (`etld_plus_one`); 0: unknown
    /// or none.
    public var publicSuffixLabels: UInt8 = 0
    public var registeredLabels: UInt8 = 0
    /// Write only the last this many labels of the question's name (privacy: cut to the registered domain); 0: all.
    public var qnameKeptLabels: UInt8 = 0
    /// How the question's name is written.
    public var qnameOptions: QnameOptions = []
    /// Suspicion score and reasons (``SuspicionReasons``); 0: not suspicious or not checked.
    public var suspicionScore: UInt8 = 0
    public var suspicionReasons: SuspicionReasons = []

    @inlinable public init() {}

    /// Whether anything is set that formatters write.
    @inlinable public var isEmpty: Bool {
        clientGeo == nil && serverGeo == nil && tags == nil && publicSuffixLabels == 0 && qnameKeptLabels == 0
            && qnameOptions.isEmpty && suspicionScore == 0
    }

    /// Whether the question's name is written otherwise than as on the wire.
    @inlinable public var changesQname: Bool { qnameKeptLabels != 0 || qnameOptions.contains(.lowercase) }
}

/// How the question's name is written.
public struct QnameOptions: OptionSet, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// ASCII letters lowercased.
    @inlinable public static var lowercase: QnameOptions { QnameOptions(rawValue: 1) }
    /// The name as on the wire is also written, as `qname_original`.
    @inlinable public static var keepOriginal: QnameOptions { QnameOptions(rawValue: 2) }
}

/// Why an event looks suspicious (the `suspicious.reasons` list).
public struct SuspicionReasons: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let longName = SuspicionReasons(rawValue: 1 << 0)
    public static let manyLabels = SuspicionReasons(rawValue: 1 << 1)
    public static let unusualCharacters = SuspicionReasons(rawValue: 1 << 2)
    public static let uncommonType = SuspicionReasons(rawValue: 1 << 3)
    public static let oversized = SuspicionReasons(rawValue: 1 << 4)
    public static let malformed = SuspicionReasons(rawValue: 1 << 5)
    public static let highEntropy = SuspicionReasons(rawValue: 1 << 6)
    public static let longLabel = SuspicionReasons(rawValue: 1 << 7)

    /// Names as written, in bit order.
    public static let names: [(SuspicionReasons, StaticString)] = [
        (.longName, "long_name"), (.manyLabels, "many_labels"), (.unusualCharacters, "unusual_characters"),
        (.uncommonType, "uncommon_type"), (.oversized, "oversized"), (.malformed, "malformed"),
        (.highEntropy, "high_entropy"), (.longLabel, "long_label"),
    ]
}

/// Bytes owned by someone else that outlive the batch being formatted (a GeoIP database's strings).
public struct ByteSlice: @unchecked Sendable {
    public var start: UnsafePointer<UInt8>?
    public var count: Int32

    @inlinable public init(start: UnsafePointer<UInt8>?, count: Int32) {
        self.start = start
        self.count = count
    }

    @inlinable public static var none: ByteSlice { ByteSlice(start: nil, count: 0) }
    @inlinable public var isEmpty: Bool { start == nil || count == 0 }
    @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: Int(count)) }
}

/// A GeoIP answer (the `geo` member): strings point into the database, which stays open while it is referenced.
public struct GeoRecord: Sendable {
    public var continent = ByteSlice.none
    public var country = ByteSlice.none
    public var countryISO = ByteSlice.none
    public var city = ByteSlice.none
    public var latitude = Double.nan
    public var longitude = Double.nan
    public var asn: UInt32 = 0
    public var asOrganization = ByteSlice.none

    public init() {}

    /// Whether the lookup found nothing at all.
    @inlinable public var isEmpty: Bool {
        continent.isEmpty && country.isEmpty && countryISO.isEmpty && city.isEmpty && latitude.isNaN && asn == 0
            && asOrganization.isEmpty
    }
}

/// Static fields added to events (`tags: {site: par1, role: resolver}`), with their JSON text made once.
public final class TagSet: Sendable {
    /// The fields in order.
    public let fields: [(key: String, value: String)]
    /// `"tags":{"site":"par1",...}` ready to copy.
    public let json: [UInt8]

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (key: $0.0, value: $0.1) }
        var text = "\"tags\":{"
        for (i, f) in fields.enumerated() {
            if i > 0 { text += "," }
            text += "\"" + Self.escape(f.0) + "\":\"" + Self.escape(f.1) + "\""
        }
        text += "}"
        json = Array(text.utf8)
    }

    /// A JSON string's inside (tags are made once, so a plain loop is fine).
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
