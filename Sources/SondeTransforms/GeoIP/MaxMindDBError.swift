#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a MaxMind DB file was refused, or why a lookup in it failed, and at which byte.
///
/// Lookups throw it typed (`throws(MaxMindDBError)`), so a failure on the hot path allocates nothing: every
/// payload that could be built per lookup is an integer. The strings in the metadata cases are built only while
/// a file is opened.
public struct MaxMindDBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Sendable, Hashable {
        /// `open`, `fstat` or `read` failed with this `errno`.
        case cannotRead(errno: Int32)
        /// The path names a directory, a device or something else that is not a regular file.
        case notARegularFile
        /// The file is larger than ``MaxMindLimits/maxFileSize``.
        case fileTooLarge(size: Int)
        /// No `\xAB\xCD\xEFMaxMind.com` marker in the last ``MaxMindLimits/maxMetadataSize`` bytes.
        case metadataMarkerMissing
        /// The metadata is not a map.
        case metadataNotAMap
        /// A required metadata key is absent.
        case metadataKeyMissing(String)
        /// A metadata key has the wrong type or a value out of range.
        case metadataKeyInvalid(String)
        /// `record_size` is not 24, 28 or 32.
        case unsupportedRecordSize(Int)
        /// `ip_version` is not 4 or 6.
        case unsupportedIPVersion(Int)
        /// `binary_format_major_version` is not 2.
        case unsupportedFormatVersion(Int)
        /// `node_count` nodes and the 16-byte separator do not fit before the metadata.
        case searchTreeTooLarge(nodeCount: Int)
        /// The language asked for is empty or longer than ``MaxMindLimits/maxLanguageLength`` bytes.
        case invalidLanguage
        /// The walk used every bit of the address and still stands on a node (the tree is deeper than the
        /// address); the offset is the node's.
        case treeDeeperThanAddress
        /// A search-tree record points past the data section (the value is the record's).
        case recordOutsideDataSection(record: UInt32)
        /// A field, its size bytes or its payload runs past the end of its section.
        case fieldPastEnd
        /// An extended type byte names no type (the type number would be below 8 or above 15).
        case invalidExtendedType(UInt8)
        /// A fixed-width type has a size it cannot have (a double that is not 8 bytes, a 5-byte uint32, ...).
        case invalidSize(type: MaxMindDataType, size: Int)
        /// A pointer's target lies past the end of its section (the value is the pointer's, from the section start).
        case pointerPastEnd(pointer: Int)
        /// A map or array claims more entries than the bytes left in its section could hold.
        case countPastEnd(count: Int)
        /// More pointers in a row than ``MaxMindLimits/maxPointerChain`` (a loop, or a hostile file).
        case pointerChainTooLong
        /// Containers nested deeper than ``MaxMindLimits/maxDepth``.
        case tooDeep
        /// A value needs more fields or bytes than its decoder's budget (``MaxMindLimits/maxDecodedValues``,
        /// ``MaxMindLimits/maxDecodedBytes``, ``MaxMindLimits/maxFieldsPerRecord``).
        case tooManyFields
        /// A map key is not a UTF-8 string.
        case mapKeyNotString(found: MaxMindDataType)
        /// A field has another type than the one the format or the caller expects here.
        case unexpectedType(found: MaxMindDataType)
    }

    /// What is wrong.
    public var reason: Reason
    /// Byte offset in the file where the problem was found (0 when the file could not be read at all).
    public var offset: Int
    /// The file's path when it was opened from one; set while opening only.
    public var path: String?

    /// An error at `offset`.
    public init(_ reason: Reason, at offset: Int, path: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.path = path
    }

    /// "GeoLite2-City.mmdb: offset 1234: a field runs past the end of its section".
    public var description: String {
        let prefix = path.map { "\($0): " } ?? ""
        return "\(prefix)offset \(offset): \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .cannotRead(let code): return "cannot read the file: \(String(cString: strerror(code)))"
        case .notARegularFile: return "not a regular file"
        case .fileTooLarge(let size):
            return "the file has \(size) bytes, more than the \(MaxMindLimits.maxFileSize) a reader maps"
        case .metadataMarkerMissing:
            return "no \\xAB\\xCD\\xEFMaxMind.com metadata marker in the last \(MaxMindLimits.maxMetadataSize) bytes: not a MaxMind DB file"
        case .metadataNotAMap: return "the metadata is not a map"
        case .metadataKeyMissing(let key): return "the metadata has no '\(key)'"
        case .metadataKeyInvalid(let key): return "the metadata's '\(key)' has the wrong type or is out of range"
        case .unsupportedRecordSize(let size): return "record_size \(size) is not 24, 28 or 32"
        case .unsupportedIPVersion(let version): return "ip_version \(version) is not 4 or 6"
        case .unsupportedFormatVersion(let version): return "binary_format_major_version \(version) is not 2"
        case .searchTreeTooLarge(let nodes): return "a search tree of \(nodes) nodes and its separator run past the metadata"
        case .invalidLanguage: return "the language must have 1 to \(MaxMindLimits.maxLanguageLength) bytes"
        case .treeDeeperThanAddress: return "the search tree is deeper than the address has bits"
        case .recordOutsideDataSection(let record): return "search tree record \(record) points outside the data section"
        case .fieldPastEnd: return "a field runs past the end of its section"
        case .invalidExtendedType(let byte): return "extended type byte \(byte) names no type"
        case .invalidSize(let type, let size): return "a \(type) cannot have size \(size)"
        case .pointerPastEnd(let pointer): return "pointer \(pointer) points past the end of its section"
        case .countPastEnd(let count): return "a container claims \(count) entries, more than its section could hold"
        case .pointerChainTooLong: return "more than \(MaxMindLimits.maxPointerChain) pointers in a row"
        case .tooDeep: return "containers nested deeper than \(MaxMindLimits.maxDepth)"
        case .tooManyFields: return "the value needs more fields or bytes than the decoder's budget"
        case .mapKeyNotString(let type): return "a map key is a \(type), not a string"
        case .unexpectedType(let type): return "unexpected \(type) here"
        }
    }
}
