#if canImport(Glibc)
import Glibc
#endif
public import SondeCore
import SondeDnstap
import SondeFrameStreams

extension PcapFileInput {
    /// Whether a file starts like a Frame Streams file: the escape (a zero frame length) of its START frame.
    /// pcap and pcapng magic numbers are never zero.
    static func isFrameStream(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes.loadUnaligned(as: UInt32.self) == 0
    }

    /// Reads a dnstap file: the unidirectional Frame Streams form (START, data frames, STOP), as `fstrm_capture`,
    /// `dnstap -w` and Sonde's own dnstap file output write it.
    func readDnstap(
        _ source: ByteSource, _ batch: inout EventBatch, _ progress: ProgressReporter?, _ before: Int,
        _ sink: (inout EventBatch) throws -> Void
    ) throws {
        var decoder = FrameStreamDecoder(maximumFrameLength: configuration.maximumFrameLength)
        var session = FrameStreamReaderStateMachine(mode: .unidirectional)
        var processor = DnstapProcessor()
        defer { dnstapCounters.add(processor.counters) }
        let batchSize = configuration.batchSize
        let now = Self.nowNanoseconds()
        do {
            while true {
                let bytes = source.available
                var offset = 0
                var delivered = false
                frames: while let frame = try decoder.next(bytes, from: &offset) {
                    switch frame {
                    case .data(let range):
                        _ = try session.receiveData()
                        processor.process(frame: UnsafeRawBufferPointer(rebasing: bytes[range]), receivedAt: now, into: &batch)
                        if batch.count >= batchSize {
                            try sink(&batch)
                            batch.removeAll()
                            progress?.update(bytes: before + source.consumedTotal + offset, messages: processor.counters.events)
                            // Hand the read bytes back (a mapped file's pages are released behind the reader).
                            delivered = true
                            break frames
                        }
                    case .control(let control):
                        if case .finished = try session.receive(control) {
                            // Files may hold several sessions one after the other.
                            session = FrameStreamReaderStateMachine(mode: .unidirectional)
                        }
                    case .oversized:
                        processor.counters.oversizedFrames += 1
                    }
                }
                source.consume(offset)
                if delivered { continue }
                if source.atEOF {
                    if source.available.count > 0 || decoder.skipping > 0 {
                        throw SondeError("\(source.path): dnstap file ends inside a frame (\(source.available.count) octets left)")
                    }
                    return
                }
                _ = try source.fill(minimum: source.available.count + 1)
            }
        } catch let error as FrameStreamError {
            throw SondeError("\(source.path): Frame Streams: \(error) (at byte \(source.consumedTotal))")
        }
    }

    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
