/// A capture interface: the link type, snap length and clock of the packets recorded on it.
///
/// A pcap file has one, built from its file header. A pcapng section has one per Interface
/// Description Block, numbered from 0 in the order they appear.
@frozen
public struct CaptureInterface: Sendable, Hashable {
    /// The `LINKTYPE_` value of the interface (see `LinkType`).
    public var linkType: UInt32
    /// The snap length; 0 means no limit (pcapng).
    public var snapLength: UInt32
    /// The unit of the interface's timestamps (`if_tsresol`).
    public var timestampResolution: TimestampResolution
    /// Seconds added to every timestamp of the interface (`if_tsoffset`).
    public var timestampOffsetSeconds: Int64

    /// How ticks become nanoseconds, worked out once per interface rather than per packet.
    @usableFromInline
    var scale: TickScale
    /// `timestampOffsetSeconds` in nanoseconds, saturated.
    @usableFromInline
    var offsetNanoseconds: Int64

    /// Creates an interface description.
    public init(
        linkType: UInt32,
        snapLength: UInt32,
        timestampResolution: TimestampResolution = .microseconds,
        timestampOffsetSeconds: Int64 = 0
    ) {
        self.linkType = linkType
        self.snapLength = snapLength
        self.timestampResolution = timestampResolution
        self.timestampOffsetSeconds = timestampOffsetSeconds
        self.scale = TickScale(timestampResolution)
        let (offset, overflow) = timestampOffsetSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        self.offsetNanoseconds = overflow ? (timestampOffsetSeconds < 0 ? .min : .max) : offset
    }

    /// Converts a timestamp in the interface's ticks to nanoseconds since the Unix epoch.
    ///
    /// A hostile file can declare any resolution and any tick count, so the arithmetic saturates at
    /// the bounds of `Int64` instead of trapping.
    @inlinable
    public func timestampNanoseconds(ticks: UInt64) -> Int64 {
        let nanoseconds: UInt64
        switch scale {
        case .multiply(let factor):
            let (product, overflow) = ticks.multipliedReportingOverflow(by: factor)
            nanoseconds = overflow ? .max : product
        case .divide(let divisor):
            nanoseconds = ticks / divisor
        case .binary(let shift):
            // ticks * 10^9 / 2^shift, through the 128-bit product.
            let (high, low) = ticks.multipliedFullWidth(by: 1_000_000_000)
            if shift == 0 {
                nanoseconds = high == 0 ? low : .max
            } else if shift < 64 {
                nanoseconds = high >> shift == 0 ? (high << (64 - shift)) | (low >> shift) : .max
            } else {
                nanoseconds = high >> (shift - 64)
            }
        case .zero:
            nanoseconds = 0
        }
        let signed = nanoseconds > UInt64(Int64.max) ? Int64.max : Int64(nanoseconds)
        let (sum, overflow) = signed.addingReportingOverflow(offsetNanoseconds)
        return overflow ? (offsetNanoseconds < 0 ? .min : .max) : sum
    }
}

/// The unit of pcapng timestamps, as the `if_tsresol` option byte: with the top bit clear the unit
/// is 10^-n seconds, with it set 2^-n seconds (n is the low 7 bits).
@frozen
public struct TimestampResolution: Sendable, Hashable {
    /// The `if_tsresol` byte.
    public var rawValue: UInt8

    /// Creates a resolution from the `if_tsresol` byte.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 10^-6 s, the pcap default and the pcapng default when `if_tsresol` is absent.
    public static let microseconds = TimestampResolution(rawValue: 6)
    /// 10^-9 s.
    public static let nanoseconds = TimestampResolution(rawValue: 9)
}

/// A resolution turned into arithmetic: ticks × 10^(9-n), ticks ÷ 10^(n-9), or ticks × 10^9 ÷ 2^n.
@usableFromInline
enum TickScale: Sendable, Hashable {
    case multiply(UInt64)
    case divide(UInt64)
    case binary(UInt64)
    /// Units so fine (10^-29 s and below) that every UInt64 tick count is under a nanosecond.
    case zero

    init(_ resolution: TimestampResolution) {
        let exponent = Int(resolution.rawValue & 0x7f)
        if resolution.rawValue & 0x80 != 0 {
            self = .binary(UInt64(exponent))
        } else if exponent <= 9 {
            self = .multiply(Self.powerOfTen(9 - exponent))
        } else if exponent - 9 <= 19 {
            // 10^19 is the largest power of ten in a UInt64.
            self = .divide(Self.powerOfTen(exponent - 9))
        } else {
            self = .zero
        }
    }

    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
