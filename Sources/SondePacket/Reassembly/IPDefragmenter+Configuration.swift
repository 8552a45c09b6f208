extension IPDefragmenter {
    /// Limits of an `IPDefragmenter`. Memory stays bounded by them whatever the input.
    public struct Configuration: Sendable, Hashable {
        /// The most datagrams being reassembled at once (discarded ones remembered included); a new
        /// one beyond it evicts the oldest.
        public var maxDatagrams: Int
        /// The most buffer bytes all datagrams together may hold (capacity, spare buffers included).
        ///
        /// The default, 16 MiB, holds 256 datagrams of the largest size (16 MiB / 65,535 = 256), and
        /// all 4,096 datagrams at 4 KiB each, the size of a large fragmented DNS response.
        public var maxBytes: Int
        /// A datagram not complete this long after its first fragment is dropped (Linux's
        /// `ipfrag_time` default, 30 s; RFC 8200 section 4.5 says 60 s for IPv6).
        public var timeoutNanoseconds: Int64
        /// The most fragments one datagram may have. 64 covers a 65,535-byte datagram cut for the
        /// IPv6 minimum MTU (65,535 / (1,280 - 48) = 54 fragments); a datagram needing more is
        /// discarded as hostile.
        public var maxFragmentsPerDatagram: Int

        /// Limits with the documented defaults unless given.
        public init(
            maxDatagrams: Int = 4096,
            maxBytes: Int = 16 * 1024 * 1024,
            timeoutNanoseconds: Int64 = 30 * 1_000_000_000,
            maxFragmentsPerDatagram: Int = 64
        ) {
            self.maxDatagrams = maxDatagrams
            self.maxBytes = maxBytes
            self.timeoutNanoseconds = timeoutNanoseconds
            self.maxFragmentsPerDatagram = maxFragmentsPerDatagram
        }
    }

    /// What an `IPDefragmenter` has seen and done, for metrics.
    public struct Counters: Sendable, Hashable {
        /// Fragments given to `process`.
        public var fragments = 0
        /// Datagrams completed and handed over.
        public var datagramsReassembled = 0
        /// Datagrams dropped incomplete by their timeout.
        public var datagramsTimedOut = 0
        /// Datagrams evicted to stay within `maxDatagrams` or `maxBytes`.
        public var datagramsEvicted = 0
        /// Datagrams discarded because two of their fragments overlapped (RFC 5722; RFC 8200
        /// section 4.5 requires it for IPv6, and it defeats overlap-based evasion for IPv4 too).
        public var overlapsDiscarded = 0
        /// Fragments identical in position and length to one already held: ignored.
        public var duplicates = 0
        /// Fragments rejected: empty, a non-last one whose length is not a multiple of 8, ending
        /// past the largest datagram (IPv4: header + offset + length > 65,535; IPv6: offset + length
        /// > 65,535), locating bytes outside the packet, or not a fragment at all. Also a last
        /// fragment (MF = 0) that disagrees with the total length known, or a fragment past that
        /// total: the datagram is then discarded too.
        public var invalid = 0
        /// Fragments cut by the capture's snap length: their data is incomplete, so they are dropped.
        public var truncated = 0
        /// Fragments of a datagram discarded earlier (overlap, inconsistency, too many fragments),
        /// dropped until its timeout.
        public var fragmentsOfDiscarded = 0
        /// Datagrams discarded for having more than `maxFragmentsPerDatagram` fragments.
        public var datagramsTooManyFragments = 0
        /// Datagrams dropped because their buffer did not fit `maxBytes` even after evictions.
        public var datagramsDroppedMemory = 0

        /// All zero.
        public init() {}
    }
}
