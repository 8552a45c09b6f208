/// A Frame Streams control frame: its type and its CONTENT_TYPE fields.
///
/// On the wire (all integers big-endian), after the escape (a zero frame length):
///
/// ```
/// +----------------+----------------+----------------+----------------+---------------+
/// | escape: 0      | control length | control type   | field type 1   | field length  | content type ...
/// +----------------+----------------+----------------+----------------+---------------+
///   4 octets         4 octets         4 octets         4 octets         4 octets
/// ```
///
/// The control length counts the control type and the fields, not itself or the escape.
public struct FrameStreamControl: Sendable, Equatable {
    /// Control frame types.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let accept = Kind(rawValue: 0x01)
        public static let start = Kind(rawValue: 0x02)
        public static let stop = Kind(rawValue: 0x03)
        public static let ready = Kind(rawValue: 0x04)
        public static let finish = Kind(rawValue: 0x05)

        public var description: String {
            switch self {
            case .accept: return "ACCEPT"
            case .start: return "START"
            case .stop: return "STOP"
            case .ready: return "READY"
            case .finish: return "FINISH"
            default: return "control type \(rawValue)"
            }
        }
    }

    /// The only control field type defined.
    public static let contentTypeField: UInt32 = 0x01
    /// The largest control frame the protocol allows (control type and fields), fstrm's `FSTRM_CONTROL_FRAME_LENGTH_MAX`.
    public static let maximumLength = 512
    /// dnstap's content type.
    public static let dnstapContentType: [UInt8] = Array("protobuf:dnstap.Dnstap".utf8)

    /// The control type.
    public var kind: Kind
    /// The CONTENT_TYPE fields, in order (READY may carry several; ACCEPT and START at most one).
    public var contentTypes: [[UInt8]]

    public init(_ kind: Kind, contentTypes: [[UInt8]] = []) {
        self.kind = kind
        self.contentTypes = contentTypes
    }

    /// Decodes a control frame body (the `length` octets after the control length).
    public init(body: UnsafeRawBufferPointer) throws(FrameStreamError) {
        guard body.count >= 4 else { throw .malformedControlFrame("shorter than its type") }
        kind = Kind(rawValue: body.loadBigEndianUInt32(at: 0))
        contentTypes = []
        var offset = 4
        while offset < body.count {
            guard offset + 8 <= body.count else { throw .malformedControlFrame("field header cut at offset \(offset)") }
            let type = body.loadBigEndianUInt32(at: offset)
            let length = Int(body.loadBigEndianUInt32(at: offset + 4))
            offset += 8
            guard length <= body.count - offset else {
                throw .malformedControlFrame("field of \(length) octets runs past the frame at offset \(offset)")
            }
            // Unknown field types are skipped: the specification reserves them for later use.
            if type == Self.contentTypeField {
                contentTypes.append(Array(UnsafeRawBufferPointer(rebasing: body[offset..<(offset + length)])))
            }
            offset += length
        }
    }

    /// Whether the frame names `contentType` (or names none, which the protocol reads as "any").
    public func allows(_ contentType: [UInt8]) -> Bool {
        contentTypes.isEmpty || contentTypes.contains(contentType)
    }

    /// The whole frame, escape and lengths included.
    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        body.appendBigEndian(kind.rawValue)
        for type in contentTypes {
            body.appendBigEndian(Self.contentTypeField)
            body.appendBigEndian(UInt32(type.count))
            body.append(contentsOf: type)
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(body.count + 8)
        frame.appendBigEndian(0)
        frame.appendBigEndian(UInt32(body.count))
        frame.append(contentsOf: body)
        return frame
    }
}

/// What can be wrong with a Frame Streams stream.
public enum FrameStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A control frame that cannot be read.
    case malformedControlFrame(String)
    /// A control frame longer than the protocol allows.
    case controlFrameTooLong(Int)
    /// A frame that is valid but not allowed where it came.
    case unexpected(String)
    /// The peer offered no content type Sonde reads.
    case contentTypeMismatch([[UInt8]])

    public var description: String {
        switch self {
        case .malformedControlFrame(let why): return "malformed control frame: \(why)"
        case .controlFrameTooLong(let n): return "control frame of \(n) octets (at most \(FrameStreamControl.maximumLength))"
        case .unexpected(let what): return "unexpected \(what)"
        case .contentTypeMismatch(let types):
            let names = types.map { String(decoding: $0, as: UTF8.self) }
            return "content type \(names.isEmpty ? "(none)" : names.joined(separator: ", ")) is not protobuf:dnstap.Dnstap"
        }
    }
}

extension UnsafeRawBufferPointer {
    @inlinable
    func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v >> 24))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }
}
