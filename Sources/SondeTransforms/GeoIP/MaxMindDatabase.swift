#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A MaxMind DB file (`.mmdb`: GeoLite2/GeoIP2 City, Country, ASN, and other writers' databases), read into
/// memory once and looked up by address.
///
/// The file is copied into memory rather than mapped: an updater that rewrites the file in place would turn
/// every later read of a mapped page into SIGBUS, and the copy costs the file's size once (about 60 MB for
/// GeoLite2 City). Opening checks the metadata and the section layout; lookups check every offset they
/// read, so a damaged or hostile file yields a ``MaxMindDBError``, never a crash.
///
/// The instance is immutable once opened, so any number of threads may look up in it at once. The per-thread
/// part, ``GeoIPLookupCache``, is separate.
public final class MaxMindDatabase: @unchecked Sendable {
    /// The checked metadata.
    public let metadata: MaxMindMetadata
    /// The language whose `names` the extractor reads, as given at open ("en" by default).
    public let language: String
    /// The file's bytes, valid while this instance lives.
    public let bytes: UnsafeRawBufferPointer

    /// The search tree's node count, as a record value: a record equal to it means "no data".
    let nodeCount: UInt32
    /// The data section: from the end of the 16-byte separator to the metadata marker.
    let data: MaxMindSection
    /// The tree record reached from the root by 96 zero bits (`::/96`, where IPv4 lives in an IPv6 tree), or 0
    /// for an IPv4 tree.
    let ipv4Start: UInt32
    /// The language's bytes, for comparing map keys without building a String.
    let languageBytes: UnsafeMutableRawBufferPointer

    /// Opens the file at `path`, reading it whole.
    ///
    /// - Parameter language: the locale code whose names ``geoIPRecord(atRecordOffset:)`` returns.
    /// - Throws: ``MaxMindDBError`` with the path, saying what is wrong and at which offset.
    public convenience init(path: String, language: String = "en") throws(MaxMindDBError) {
        let (storage, count) = try Self.readWholeFile(path)
        do throws(MaxMindDBError) {
            try self.init(taking: storage, count: count, language: language)
        } catch {
            var located = error
            located.path = path
            throw located
        }
    }

    /// Opens a database from bytes in memory, which are copied (tests, fuzzing, embedded databases).
    public convenience init(bytes: UnsafeRawBufferPointer, language: String = "en") throws(MaxMindDBError) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let source = bytes.baseAddress { storage.copyMemory(from: source, byteCount: bytes.count) }
        try self.init(taking: storage, count: bytes.count, language: language)
    }

    /// Takes ownership of `storage` (deallocated here if the bytes are refused).
    private init(taking storage: UnsafeMutableRawPointer, count: Int, language: String) throws(MaxMindDBError) {
        let base = UnsafeRawPointer(storage)
        do throws(MaxMindDBError) {
            let utf8 = Array(language.utf8)
            guard !utf8.isEmpty, utf8.count <= MaxMindLimits.maxLanguageLength else {
                throw MaxMindDBError(.invalidLanguage, at: 0)
            }
            guard count <= MaxMindLimits.maxFileSize else { throw MaxMindDBError(.fileTooLarge(size: count), at: 0) }
            guard let marker = MaxMindMetadata.findMarker(base, count: count) else {
                throw MaxMindDBError(.metadataMarkerMissing, at: count)
            }
            let metadataStart = marker + MaxMindMetadata.marker.count
            let metadataSection = MaxMindSection(base: base, start: metadataStart, end: count)
            var budget = MaxMindSection.DecodeBudget()
            let (value, _) = try metadataSection.decodeValue(at: metadataStart, depth: 0, budget: &budget)
            let metadata = try MaxMindMetadata(value, at: metadataStart)
            // The tree and its separator lie before the marker, so reading any node below node_count (and the
            // 4-byte loads of 24-bit records, one byte past the node) stays inside the file.
            let treeSize = metadata.searchTreeSize
            guard treeSize + 16 <= marker else {
                throw MaxMindDBError(.searchTreeTooLarge(nodeCount: metadata.nodeCount), at: metadataStart)
            }
            self.metadata = metadata
            self.nodeCount = UInt32(metadata.nodeCount)
            self.data = MaxMindSection(base: base, start: treeSize + 16, end: marker)
            self.languageBytes = .allocate(byteCount: utf8.count, alignment: 1)
            self.languageBytes.copyBytes(from: utf8)
        } catch {
            storage.deallocate()
            throw error
        }
        self.language = language
        self.bytes = UnsafeRawBufferPointer(start: base, count: count)
        self.ipv4Start = metadata.ipVersion == 6 ? Self.ipv4Root(base, metadata) : 0
    }

    deinit {
        UnsafeMutableRawPointer(mutating: bytes.baseAddress!).deallocate()
        languageBytes.deallocate()
    }

    /// Reads the regular file at `path` into a new allocation.
    private static func readWholeFile(_ path: String) throws(MaxMindDBError) -> (UnsafeMutableRawPointer, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MaxMindDBError(.cannotRead(errno: errno), at: 0, path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MaxMindDBError(.cannotRead(errno: errno), at: 0, path: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw MaxMindDBError(.notARegularFile, at: 0, path: path) }
        let size = Int(info.st_size)
        guard size <= MaxMindLimits.maxFileSize else {
            throw MaxMindDBError(.fileTooLarge(size: size), at: 0, path: path)
        }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let n = read(fd, storage + done, size - done)
            if n > 0 {
                done += n
            } else if n == 0 {
                break  // the file shrank while we read it: what we have is checked like any other bytes
            } else if errno != EINTR {
                let code = errno
                storage.deallocate()
                throw MaxMindDBError(.cannotRead(errno: code), at: done, path: path)
            }
        }
        return (storage, done)
    }

    /// The file offset of a data-section offset, checked to lie in the data section.
    @inline(__always)
    func fileOffset(ofRecord recordOffset: Int) throws(MaxMindDBError) -> Int {
        guard recordOffset >= 0, recordOffset < data.end - data.start else {
            throw MaxMindDBError(.fieldPastEnd, at: data.start &+ recordOffset)
        }
        return data.start + recordOffset
    }

    // MARK: Strings the extractor returns

    /// A UTF-8 string in the database's bytes, by file offset and length: what ``GeoIPRecord`` holds instead of
    /// `String`s, so that extracting a record allocates nothing.
    @frozen
    public struct StringRef: Sendable, Hashable {
        /// File offset of the first byte; 0 when absent (offset 0 is the search tree, never a string).
        public var offset: UInt32
        /// Length in bytes.
        public var length: UInt32

        /// A reference to `length` bytes at file offset `offset`.
        @inlinable
        public init(offset: UInt32, length: UInt32) {
            self.offset = offset
            self.length = length
        }

        /// The field was not in the record.
        @inlinable public static var absent: StringRef { StringRef(offset: 0, length: 0) }

        /// Whether the record had the field (an empty string is present).
        @inlinable public var isPresent: Bool { offset != 0 }
    }

    /// The bytes `ref` names, valid while this database lives; empty for an absent field or a reference that
    /// does not lie in this database.
    @inlinable
    public func bytes(of ref: StringRef) -> UnsafeRawBufferPointer {
        let start = Int(ref.offset)
        let end = start + Int(ref.length)
        guard ref.isPresent, end <= bytes.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// The text `ref` names (tests and slow paths), nil for an absent field.
    public func string(of ref: StringRef) -> String? {
        ref.isPresent ? String(decoding: bytes(of: ref), as: UTF8.self) : nil
    }

    /// The value at `recordOffset` in the data section, decoded whole (tests and diagnostics; it allocates).
    public func decodeValue(atRecordOffset recordOffset: Int) throws(MaxMindDBError) -> MaxMindValue {
        let offset = try fileOffset(ofRecord: recordOffset)
        var budget = MaxMindSection.DecodeBudget()
        return try data.decodeValue(at: offset, depth: 0, budget: &budget).0
    }
}
