extension TCPReassembler {
    /// Limits of a `TCPReassembler`. Memory stays bounded by them whatever the input.
    public struct Configuration: Sendable, Hashable {
        /// The most flows (one per direction of a connection) tracked at once; a new flow beyond it
        /// evicts the least recently used one.
        public var maxFlows: Int
        /// The most buffer bytes one flow may hold. Half of it, up to 65,537, is for the message being
        /// assembled; the rest for out-of-order data waiting behind a gap.
        ///
        /// The default, 2 * 65,537 = 131,074, is one largest framed message (2-byte prefix + 65,535
        /// bytes) being assembled, plus as much again of out-of-order data: a whole further message
        /// can wait behind a lost segment before the gap is given up.
        public var maxBytesPerFlow: Int
        /// The most buffer bytes all flows together may hold (capacity, spare buffers included).
        ///
        /// The default, 64 MiB, holds 512 flows each assembling a largest message with its
        /// out-of-order window full (64 MiB / 131,074 = 512), and far more ordinary ones.
        public var maxTotalBytes: Int
        /// A flow with no segment for longer than this is dropped by `expire(now:)`.
        public var idleTimeoutNanoseconds: Int64
        /// The most out-of-order segments one flow holds behind a gap before giving the gap up.
        public var maxOutOfOrderSegmentsPerFlow: Int
        /// How long (capture time) a hole may wait for its bytes before it is declared lost and the
        /// data after it delivered, when nothing else settled it first (the other side acknowledging
        /// past it, the window filling up).
        ///
        /// The default, 3 s, outlasts a real retransmission: Linux retransmits after 200 ms at the
        /// least (`TCP_RTO_MIN`), RFC 6298 hosts after 1 s, and a segment lost twice comes back after
        /// three times its timeout. A hole the capture alone lost (the receiver got the bytes and
        /// acknowledged them) goes at once, on the acknowledgment, without this wait.
        public var holeTimeoutNanoseconds: Int64

        /// Limits with the documented defaults unless given.
        public init(
            maxFlows: Int = 65_536,
            maxBytesPerFlow: Int = 2 * 65_537,
            maxTotalBytes: Int = 64 * 1024 * 1024,
            idleTimeoutNanoseconds: Int64 = 60 * 1_000_000_000,
            maxOutOfOrderSegmentsPerFlow: Int = 64,
            holeTimeoutNanoseconds: Int64 = 3 * 1_000_000_000
        ) {
            self.maxFlows = maxFlows
            self.maxBytesPerFlow = maxBytesPerFlow
            self.maxTotalBytes = maxTotalBytes
            self.idleTimeoutNanoseconds = idleTimeoutNanoseconds
            self.maxOutOfOrderSegmentsPerFlow = maxOutOfOrderSegmentsPerFlow
            self.holeTimeoutNanoseconds = holeTimeoutNanoseconds
        }

        /// The largest framed message (prefix included) a flow assembles: 65,537, or half the flow's
        /// bytes when that is less. A longer message is skipped by its length, keeping the framing.
        var messageLimit: Int { max(2, min(65_537, maxBytesPerFlow / 2)) }
        /// How far ahead of the next expected byte out-of-order data is kept.
        var outOfOrderLimit: Int { max(0, maxBytesPerFlow - messageLimit) }
    }

    /// What a `TCPReassembler` has seen and done, for metrics.
    public struct Counters: Sendable, Hashable {
        /// Flows created (on a SYN, or on the first data of a connection joined mid-stream).
        public var flowsCreated = 0
        /// Flows evicted to stay within `maxFlows` or `maxTotalBytes`.
        public var flowsEvicted = 0
        /// Flows dropped by `expire(now:)`.
        public var flowsTimedOut = 0
        /// Flows closed by a FIN once all data before it was delivered.
        public var flowsClosed = 0
        /// Flows forgotten because of a RST (both directions count).
        public var flowsReset = 0
        /// Messages delivered whole from one segment's bytes, without copying.
        public var messagesInSegment = 0
        /// Messages delivered from the flow's buffer: they spanned segments or waited behind a gap.
        public var messagesReassembled = 0
        /// Messages skipped by their length because they did not fit the limits.
        public var messagesDroppedLimit = 0
        /// Bytes passed over without delivery: before the first plausible boundary of a stream
        /// joined mid-stream (or after a loss), and holes declared lost (`gapBytesSkipped`).
        public var bytesSkipped = 0
        /// Bytes not buffered because of a limit (message, out-of-order window, total bytes).
        public var bytesDroppedLimit = 0
        /// Buffered bytes thrown away when a flow ended (RST, FIN inside a message, timeout,
        /// eviction) or restarted (a new SYN on the same addresses and ports).
        public var bytesDiscarded = 0
        /// Segments whose data had all been received already (retransmissions).
        public var segmentsDuplicate = 0
        /// Segments whose data partly overlapped data received before; the first copy is kept.
        public var segmentsOverlapping = 0
        /// Segments buffered because they arrived ahead of a gap.
        public var segmentsOutOfOrder = 0
        /// Holes (bytes missing before data that arrived after them) declared lost: the framing
        /// passes over them and the data after them is delivered. The sum of the four reasons below.
        public var gapsSkipped = 0
        /// Bytes in the holes declared lost (part of `bytesSkipped`).
        public var gapBytesSkipped = 0
        /// Holes declared lost because the other side acknowledged past them.
        public var gapsAcknowledged = 0
        /// Holes declared lost after `holeTimeoutNanoseconds`.
        public var gapsTimedOut = 0
        /// Holes declared lost because the data after them filled the out-of-order window or the
        /// segment limit.
        public var gapsWindowFull = 0
        /// Holes declared lost because their flow ended: end of input, eviction, idle timeout, RST, or
        /// a new connection on its addresses and ports.
        public var gapsAtEnd = 0
        /// Messages delivered outside their flow's own segments (`takeFlushedMessages`): when the
        /// flow ended, or when the other direction's acknowledgment declared a hole lost.
        public var messagesFlushed = 0
        /// Times a flow looked for a plausible message boundary (joined mid-stream or lost framing).
        public var resynchronisations = 0

        /// All zero.
        public init() {}
    }
}
