public import SondeDNS

/// JSON with one level only: every scalar under its dotted path (`"flags.aa":true`, `"answers.0.rdata":"192.0.2.1"`),
/// for consumers that cannot index nested objects. Empty lists are left out.
///
/// It is a ``StructuredEmitter``, so ``EventSerializer`` writes flat JSON with the same walk as JSON and YAML. The
/// path is kept as text in a buffer that stops growing after the first events.
public struct FlatJSONEmitter: StructuredEmitter {
    /// Where each open container's path ends in `path`, and its next list index (-1 for an object).
    var frames: [(end: Int, index: Int)] = []
    var path: [UInt8] = []
    var needsComma = false
    /// Bytes of the current key in `path` after the container's end (its length is replaced by the next key).
    var keyLength = 0

    public init() {
        path.reserveCapacity(256)
        frames.reserveCapacity(8)
    }

    /// An emitter that writes members into an open object, under the path `prefix` (`answers`).
    init(continuing prefix: [UInt8], needsComma: Bool) {
        self.init()
        path.append(contentsOf: prefix)
        frames = [(path.count, -1)]
        keyLength = path.count
        self.needsComma = needsComma
    }

    var containerEnd: Int { frames.last?.end ?? 0 }

    public mutating func beginDocument(into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "{"))
        needsComma = false
        frames.removeAll(keepingCapacity: true)
        frames.append((0, -1))
        path.removeAll(keepingCapacity: true)
        keyLength = 0
    }

    public mutating func endDocument(into out: inout OutputBuffer) { out.append("}\n") }

    mutating func setComponent(_ bytes: UnsafeRawBufferPointer) {
        let end = containerEnd
        path.removeSubrange(end...)
        if end > 0 { path.append(UInt8(ascii: ".")) }
        path.append(contentsOf: bytes)
        keyLength = path.count - end
    }

    public mutating func key(_ name: StaticString, into out: inout OutputBuffer) {
        setComponent(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    public mutating func key(quoting name: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        setComponent(name)
    }

    /// In a list, the element's index is the next path component.
    mutating func enterElement() {
        guard let last = frames.last, last.index >= 0 else { return }
        frames[frames.count - 1].index += 1
        let end = containerEnd
        path.removeSubrange(end...)
        if end > 0 { path.append(UInt8(ascii: ".")) }
        let start = path.count
        var n = last.index
        repeat {
            path.append(UInt8(ascii: "0") + UInt8(n % 10))
            n /= 10
        } while n > 0
        path[start...].reverse()
        keyLength = path.count - end
    }

    public mutating func beginObject(into out: inout OutputBuffer) {
        enterElement()
        frames.append((path.count, -1))
    }

    public mutating func endObject(into out: inout OutputBuffer) { frames.removeLast() }

    public mutating func beginArray(into out: inout OutputBuffer) {
        enterElement()
        frames.append((path.count, 0))
    }

    public mutating func endArray(into out: inout OutputBuffer) { frames.removeLast() }

    public mutating func emptyArray(into out: inout OutputBuffer) {}

    public mutating func beginScalar(into out: inout OutputBuffer) {
        enterElement()
        if needsComma { out.append(UInt8(ascii: ",")) }
        needsComma = true
        out.append(UInt8(ascii: "\""))
        path.withUnsafeBytes { out.appendJSONEscaped(bytes: $0) }
        out.append("\":")
    }
}
