#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SondeCore
import SondeDnstap
import SondeFrameStreams

/// One dnstap connection, server or client side: Frame Streams framing and handshake, then dnstap frames to
/// events, handed to the sink once per socket read.
///
/// Frames are decoded straight from NIO's read buffer; only a frame cut at the end of a read is kept (with the
/// bytes that complete it) until the next read.
final class DnstapConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var decoder: FrameStreamDecoder
    private var session = FrameStreamReaderStateMachine()
    private var processor = DnstapProcessor()
    /// The batch lives behind a pointer, and the decoders are copied into locals for each read, so the
    /// per-frame work pays no dynamic exclusivity checks on class properties.
    private let batch: UnsafeMutablePointer<EventBatch>
    private var pending: ByteBuffer?
    private let consumer: any BatchConsumer
    private let state: DnstapInputState
    private let batchSize = 512
    private var closed = false

    init(maximumFrameLength: Int, consumer: any BatchConsumer, state: DnstapInputState) {
        decoder = FrameStreamDecoder(maximumFrameLength: maximumFrameLength)
        batch = .allocate(capacity: 1)
        batch.initialize(to: EventBatch(identity: "", capacity: 512))
        self.consumer = consumer
        self.state = state
    }

    deinit {
        batch.deinitialize(count: 1)
        batch.deallocate()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let now = Self.nowNanoseconds()
        var replies: [FrameStreamControl] = []
        var finished = false
        var failure: FrameStreamError?
        if var p = pending {
            // A frame was cut by the previous read: complete it with only the bytes it lacks, decode it alone,
            // then decode the new read where it lies (copying the whole read behind the cut frame cost a copy
            // of every byte received).
            pending = nil
            while buffer.readableBytes > 0 {
                let lacking = Self.bytesLacking(p, maximumFrameLength: decoder.maximumFrameLength)
                guard lacking > 0 else { break }
                var piece = buffer.readSlice(length: min(lacking, buffer.readableBytes))!
                p.writeBuffer(&piece)
            }
            decode(&p, context, now, &replies, &finished, &failure)
            if p.readableBytes > 0 && !finished && failure == nil {
                pending = p
            }
        }
        if pending == nil && !finished && failure == nil && buffer.readableBytes > 0 {
            decode(&buffer, context, now, &replies, &finished, &failure)
            if buffer.readableBytes > 0 && !finished && failure == nil {
                // Only the cut frame's bytes are kept, in a buffer of their own: keeping the read buffer would
                // copy all of it on the next write (NIO shares it with its allocator).
                var p = context.channel.allocator.buffer(capacity: max(buffer.readableBytes, 4096))
                p.writeBuffer(&buffer)
                pending = p
            }
        }
        for reply in replies {
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply.encoded())), promise: nil)
        }
        if !replies.isEmpty { context.flush() }
        if let failure {
            deliver()
            self.processor.counters.protocolErrors &+= 1
            state.log("dnstap: \(peer(context)): \(failure); closing the connection")
            close(context)
        } else if finished {
            deliver()
            self.processor.counters.connectionsFinished &+= 1
            close(context)
        }
    }

    /// Decodes the whole frames in `buffer` and moves its reader index past them.
    private func decode(
        _ buffer: inout ByteBuffer, _ context: ChannelHandlerContext, _ now: Int64, _ replies: inout [FrameStreamControl],
        _ finished: inout Bool, _ failure: inout FrameStreamError?
    ) {
        var decoder = self.decoder
        var session = self.session
        var processor = self.processor
        let batch = self.batch
        let batchSize = self.batchSize
        var stop = false
        var problem: FrameStreamError?
        var replyFrames = replies
        let consumed = buffer.withUnsafeReadableBytes { bytes -> Int in
            var offset = 0
            do {
                while !stop, let frame = try decoder.next(bytes, from: &offset) {
                    switch frame {
                    case .data(let range):
                        _ = try session.receiveData()
                        processor.process(frame: UnsafeRawBufferPointer(rebasing: bytes[range]), receivedAt: now, into: &batch.pointee)
                        if batch.pointee.count >= batchSize { deliver() }
                    case .control(let control):
                        let wasStarted = session.isStarted
                        defer { if !wasStarted && session.isStarted { state.started(context.channel) } }
                        switch try session.receive(control) {
                        case .reply(let frame): replyFrames.append(frame)
                        case .finished(let reply):
                            if let reply { replyFrames.append(reply) }
                            stop = true
                        case .none, .deliver: break
                        }
                    case .oversized(let length):
                        // Before START no data frame is valid: this is a stranger (an HTTP request reads as a
                        // 1 GB frame), not a dnstap sender with one big message.
                        guard session.isStarted else {
                            throw FrameStreamError.unexpected("data frame of \(length) octets before START")
                        }
                        processor.counters.oversizedFrames &+= 1
                    }
                }
            } catch let e as FrameStreamError {
                problem = e
            } catch {
                problem = .unexpected("\(error)")
            }
            return offset
        }
        self.decoder = decoder
        self.session = session
        self.processor = processor
        buffer.moveReaderIndex(forwardBy: consumed)
        replies = replyFrames
        if stop { finished = true }
        if let problem { failure = problem }
    }

    /// How many more bytes the cut frame at the start of `p` needs to be whole (0: whole, or too long to wait
    /// for: the decoder then skips or rejects it).
    static func bytesLacking(_ p: ByteBuffer, maximumFrameLength: Int) -> Int {
        let have = p.readableBytes
        guard have >= 4, let length = p.getInteger(at: p.readerIndex, as: UInt32.self) else { return 4 - have }
        if length != 0 {
            return Int(length) > maximumFrameLength ? 0 : max(0, 4 + Int(length) - have)
        }
        guard have >= 8, let control = p.getInteger(at: p.readerIndex + 4, as: UInt32.self) else { return 8 - have }
        return Int(control) > FrameStreamControl.maximumLength ? 0 : max(0, 8 + Int(control) - have)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        deliver()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            processor.counters.idleTimeouts &+= 1
            close(context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deliver()
        if !session.isFinished && !closed && processor.counters.idleTimeouts == 0 {
            processor.counters.connectionsLost &+= 1
            if session.isStarted || pending != nil {
                state.log("dnstap: \(peer(context)) went away without STOP (\(pending?.readableBytes ?? 0) octets of a frame left)")
            }
        }
        closed = true
        state.connectionEnded(context.channel, processor.counters)
        processor.counters = DnstapCounters()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a TLS failure: the connection is over; what was decoded has been delivered.
        if !closed { state.log("dnstap: \(peer(context)): \(error)") }
        close(context)
    }

    private func close(_ context: ChannelHandlerContext) {
        guard !closed else { return }
        closed = true
        context.close(promise: nil)
    }

    private func deliver() {
        guard !batch.pointee.isEmpty else { return }
        consumer.consume(&batch.pointee)
        batch.pointee.removeAll()
    }

    private func peer(_ context: ChannelHandlerContext) -> String {
        context.channel.remoteAddress.map { "\($0)" } ?? "peer"
    }

    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
