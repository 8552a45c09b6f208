import SondePacket

/// What a test keeps of a record: everything but the buffer-relative offsets, plus the bytes.
struct RecordSnapshot: Equatable, CustomStringConvertible {
    var data: [UInt8]
    var capturedLength: Int
    var originalLength: Int
    var timestampNanoseconds: Int64
    var linkType: UInt32
    var interfaceID: UInt32

    var description: String {
        "record(\(capturedLength)/\(originalLength) bytes, t=\(timestampNanoseconds), link \(linkType), if \(interfaceID))"
    }
}

/// A deterministic generator (SplitMix64), so failing chunkings can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Plays the caller of `CaptureFileDecoder`: keeps the unconsumed bytes, adds chunks of the file as
/// the decoder asks for more, and collects the records.
enum Feeder {
    /// How to cut the file into chunks.
    enum Chunking {
        case whole
        case byteByByte
        case random(seed: UInt64, maximum: Int)
    }

    struct Result {
        var records: [RecordSnapshot]
        var decoder: CaptureFileDecoder
        var skips: Int
    }

    /// Decodes `file`; throws the decoder's error, including the one from `finish`.
    static func decode(_ file: [UInt8], chunking: Chunking, onRecord: (CaptureRecord, UnsafeRawBufferPointer) -> Void = { _, _ in })
        throws -> Result
    {
        var decoder = CaptureFileDecoder()
        var pending: [UInt8] = []
        var start = 0
        var read = 0
        var records: [RecordSnapshot] = []
        var skips = 0
        var random = SplitMix64(state: 0)
        if case .random(let seed, _) = chunking { random = SplitMix64(state: seed) }

        func nextChunkSize() -> Int {
            switch chunking {
            case .whole: return file.count
            case .byteByByte: return 1
            case .random(_, let maximum): return Int.random(in: 1...maximum, using: &random)
            }
        }

        while true {
            let step = try pending.withUnsafeBytes { (all) throws -> CaptureFileDecoder.Step in
                let buffer = UnsafeRawBufferPointer(rebasing: all[start...])
                let step = try decoder.next(buffer)
                if case .record(let record) = step {
                    let packet = record.packet(in: buffer)
                    onRecord(record, packet)
                    records.append(
                        RecordSnapshot(
                            data: Array(packet),
                            capturedLength: record.capturedLength,
                            originalLength: record.originalLength,
                            timestampNanoseconds: record.timestampNanoseconds,
                            linkType: record.linkType,
                            interfaceID: record.interfaceID
                        )
                    )
                }
                return step
            }
            switch step {
            case .record(let record):
                precondition(record.consumed > 0 && record.consumed <= pending.count - start)
                start += record.consumed
            case .skip(let consumed):
                precondition(consumed > 0 && consumed <= pending.count - start)
                start += consumed
                skips += 1
            case .needMoreData(let atLeast):
                precondition(atLeast > pending.count - start, "needMoreData while \(pending.count - start) bytes were there")
                if read == file.count {
                    try decoder.finish(unconsumedBytes: pending.count - start)
                    return Result(records: records, decoder: decoder, skips: skips)
                }
                if start > 65536 {
                    pending.removeFirst(start)
                    start = 0
                }
                let size = min(nextChunkSize(), file.count - read)
                pending += file[read..<read + size]
                read += size
            }
        }
    }
}

/// Where the shared corpus of real captures lives, if it does.
enum Corpus {
    /// `<repo>/../shared/corpus/pcap` where `<repo>` holds Package.swift above this file; else the
    /// absolute `/work/shared/corpus/pcap`; nil when neither exists.
    static func pcapDirectory(filePath: String = #filePath) -> String? {
        var directory = filePath
        var candidates: [String] = []
        while let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            directory = String(directory[..<slash])
            if FileSystem.exists(directory + "/Package.swift") {
                let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
                candidates.append(parent + "/shared/corpus/pcap")
                break
            }
        }
        candidates.append("/work/shared/corpus/pcap")
        return candidates.first { FileSystem.exists($0) }
    }
}
