/// The metadata map at the end of a MaxMind DB file (spec, "Database Metadata"), checked.
public struct MaxMindMetadata: Sendable, Hashable {
    /// Nodes in the search tree.
    public var nodeCount: Int
    /// Bits per search-tree record: 24, 28 or 32.
    public var recordSize: Int
    /// 4 for an IPv4 tree (32 levels), 6 for an IPv6 tree (128 levels).
    public var ipVersion: Int
    /// The structure of the records, "GeoLite2-City", "GeoLite2-ASN", ...
    public var databaseType: String
    /// Locale codes the records' `names` maps may hold; empty when the key is absent.
    public var languages: [String]
    /// Description by locale code; empty when the key is absent.
    public var descriptions: [String: String]
    /// Build time, seconds since the Unix epoch.
    public var buildEpoch: UInt64
    /// Binary format major version: 2.
    public var binaryFormatMajorVersion: Int
    /// Binary format minor version.
    public var binaryFormatMinorVersion: Int

    /// The marker the metadata follows: `\xAB\xCD\xEF` then "MaxMind.com".
    static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    /// Bytes of the search tree: two records per node.
    var searchTreeSize: Int { nodeCount * recordSize / 4 }

    /// Checks the decoded metadata map at file offset `offset`.
    init(_ value: MaxMindValue, at offset: Int) throws(MaxMindDBError) {
        guard case .map = value else { throw MaxMindDBError(.metadataNotAMap, at: offset) }

        func unsigned(_ key: String, max: UInt64) throws(MaxMindDBError) -> UInt64 {
            guard let field = value[key] else { throw MaxMindDBError(.metadataKeyMissing(key), at: offset) }
            guard let number = field.unsignedValue, number <= max else {
                throw MaxMindDBError(.metadataKeyInvalid(key), at: offset)
            }
            return number
        }

        nodeCount = Int(try unsigned("node_count", max: UInt64(UInt32.max)))
        recordSize = Int(try unsigned("record_size", max: UInt64(UInt16.max)))
        guard [24, 28, 32].contains(recordSize) else { throw MaxMindDBError(.unsupportedRecordSize(recordSize), at: offset) }
        ipVersion = Int(try unsigned("ip_version", max: UInt64(UInt16.max)))
        guard ipVersion == 4 || ipVersion == 6 else { throw MaxMindDBError(.unsupportedIPVersion(ipVersion), at: offset) }
        binaryFormatMajorVersion = Int(try unsigned("binary_format_major_version", max: UInt64(UInt16.max)))
        guard binaryFormatMajorVersion == 2 else {
            throw MaxMindDBError(.unsupportedFormatVersion(binaryFormatMajorVersion), at: offset)
        }
        binaryFormatMinorVersion = Int(try unsigned("binary_format_minor_version", max: UInt64(UInt16.max)))
        buildEpoch = try unsigned("build_epoch", max: .max)
        guard let type = value["database_type"] else { throw MaxMindDBError(.metadataKeyMissing("database_type"), at: offset) }
        guard let typeName = type.stringValue else { throw MaxMindDBError(.metadataKeyInvalid("database_type"), at: offset) }
        databaseType = typeName

        languages = []
        if let list = value["languages"] {
            guard case .array(let items) = list else { throw MaxMindDBError(.metadataKeyInvalid("languages"), at: offset) }
            for item in items {
                guard let code = item.stringValue else { throw MaxMindDBError(.metadataKeyInvalid("languages"), at: offset) }
                languages.append(code)
            }
        }
        descriptions = [:]
        if let map = value["description"] {
            guard case .map(let entries) = map else { throw MaxMindDBError(.metadataKeyInvalid("description"), at: offset) }
            for entry in entries {
                guard let text = entry.value.stringValue else {
                    throw MaxMindDBError(.metadataKeyInvalid("description"), at: offset)
                }
                descriptions[entry.key] = text
            }
        }
    }

    /// File offset of the last metadata marker that starts in the file's last ``MaxMindLimits/maxMetadataSize``
    /// bytes; the spec asks for the last one, since the data section may hold the same bytes.
    static func findMarker(_ base: UnsafeRawPointer, count: Int) -> Int? {
        let length = marker.count
        guard count >= length else { return nil }
        let lowest = max(0, count - MaxMindLimits.maxMetadataSize)
        return marker.withUnsafeBytes { needle -> Int? in
            var start = count - length
            while start >= lowest {
                if base.load(fromByteOffset: start, as: UInt8.self) == 0xAB,
                   UnsafeRawBufferPointer(start: base + start, count: length).elementsEqual(needle) {
                    return start
                }
                start -= 1
            }
            return nil
        }
    }
}
