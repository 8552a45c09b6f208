/// The bounds a MaxMind DB reader keeps whatever the file says. A file is untrusted input: each limit turns a
/// hostile or broken value into a ``MaxMindDBError`` instead of a crash, a hang or a large allocation.
public enum MaxMindLimits {
    /// 4 GiB - 1: ``MaxMindDatabase/StringRef`` and the lookup cache keep 32-bit file offsets, and the format's
    /// own pointers address at most 4 GiB of data. GeoIP2 City, the largest MaxMind database, is about 130 MB.
    public static let maxFileSize = Int(UInt32.max)

    /// 128 KiB, marker included: the spec's maximum for the metadata section, so the marker is searched for
    /// only in the file's last 128 KiB.
    public static let maxMetadataSize = 128 * 1024

    /// Pointers followed in a row before giving up. The spec forbids a pointer to a pointer, so a valid file
    /// needs 1; a few more are tolerated for lax writers, and the bound stops a pointer that points at itself.
    public static let maxPointerChain = 4

    /// Containers nested inside one another. GeoIP2 records nest 3 deep (record, `subdivisions`, an entry,
    /// its `names`), the metadata 2; 32 leaves room for other writers and keeps the generic decoder's recursion
    /// far from the stack's end.
    public static let maxDepth = 32

    /// Values the generic decoder builds for one call. Pointers let a small file describe an exponentially
    /// large tree (a map whose values all point at one map whose values all point at ...); the largest GeoIP2
    /// record has a few hundred values, the metadata a few dozen.
    public static let maxDecodedValues = 1 << 16

    /// String, byte and key bytes the generic decoder copies for one call: 16 MiB, a little under the largest
    /// single field the format can describe (16,843,036 bytes), since pointers could otherwise make a small file
    /// copy one large string many times over.
    public static let maxDecodedBytes = 1 << 24

    /// Field headers the fast extractor reads for one record (its walk never follows a pointer it skips, so a
    /// GeoLite2 City record costs about 60). It bounds the time a hostile record can take.
    public static let maxFieldsPerRecord = 4096

    /// Bytes of the language code names are read in ("en", "pt-BR", "zh-CN"; BCP 47 tags are rarely longer
    /// than 12).
    public static let maxLanguageLength = 32
}

/// The type numbers of data-section fields (MaxMind DB spec, "Output Data Section").
///
/// ```
/// control byte: TTTSSSSS   TTT = type 1...7; 000 = extended: the next byte holds type - 7
///                          SSSSS = size < 29, or 29/30/31: 1/2/3 more bytes (+29, +285, +65821)
/// pointer:      001SSVVV   SS + 1 more bytes, VVV their high bits (not for SS = 3)
/// ```
@frozen
public enum MaxMindDataType: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// A pointer to another field of the same section.
    case pointer = 1
    /// UTF-8 text.
    case utf8String = 2
    /// IEEE-754 binary64, big-endian.
    case double = 3
    /// Opaque bytes.
    case bytes = 4
    /// Unsigned integer of 0 to 2 bytes.
    case uint16 = 5
    /// Unsigned integer of 0 to 4 bytes.
    case uint32 = 6
    /// Key/value pairs; keys are strings.
    case map = 7
    /// Two's-complement signed integer of 0 to 4 bytes.
    case int32 = 8
    /// Unsigned integer of 0 to 8 bytes.
    case uint64 = 9
    /// Unsigned integer of 0 to 16 bytes.
    case uint128 = 10
    /// Ordered values.
    case array = 11
    /// A block of shared values that other fields point into; nothing points at the block itself.
    case dataCacheContainer = 12
    /// Marks the end of the data section; no payload.
    case endMarker = 13
    /// The size bits are the value (0 or 1); no payload.
    case boolean = 14
    /// IEEE-754 binary32, big-endian.
    case float = 15

    /// The name the spec gives the type.
    public var description: String {
        switch self {
        case .pointer: "pointer"
        case .utf8String: "UTF-8 string"
        case .double: "double"
        case .bytes: "bytes"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .map: "map"
        case .int32: "int32"
        case .uint64: "uint64"
        case .uint128: "uint128"
        case .array: "array"
        case .dataCacheContainer: "data cache container"
        case .endMarker: "end marker"
        case .boolean: "boolean"
        case .float: "float"
        }
    }
}
