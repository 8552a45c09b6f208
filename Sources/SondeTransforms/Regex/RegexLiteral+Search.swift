/// A ``RegexLiteral`` copied into memory its program owns: a plain value of pointers, so that testing it costs no
/// reference counting.
struct LiteralProbe {
    let bytes: UnsafeMutablePointer<UInt8>
    let masks: UnsafeMutablePointer<UInt8>
    let size: Int
    let place: RegexLiteral.Place

    /// Copies `literal`; the caller frees the copy with `deallocate()`.
    init(_ literal: RegexLiteral) {
        size = literal.bytes.count
        bytes = .allocate(capacity: max(size, 1))
        masks = .allocate(capacity: max(size, 1))
        bytes.initialize(from: literal.bytes, count: size)
        masks.initialize(from: literal.masks, count: size)
        place = literal.place
    }

    func deallocate() {
        bytes.deallocate()
        masks.deallocate()
    }

    /// Compares eight bytes at a time (the last word overlapping the one before) when the literal is that long.
    @inline(__always)
    private func matches(at offset: Int, in base: UnsafePointer<UInt8>) -> Bool {
        if size >= 8 {
            let raw = UnsafeRawPointer(base + offset)
            var i = 0
            while true {
                if i &+ 8 > size { i = size &- 8 }
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let mask = UnsafeRawPointer(masks).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let literal = UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word | mask != literal { return false }
                if i &+ 8 == size { return true }
                i &+= 8
            }
        }
        var i = 0
        while i < size {
            if base[offset &+ i] | masks[i] != bytes[i] { return false }
            i &+= 1
        }
        return true
    }

    /// Finds candidates for the first byte eight input bytes at a time (the SWAR zero-byte test on the input
    /// XOR the byte), then compares the whole literal at each.
    @inline(__always)
    private func searchAnywhere(_ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let first = UInt64(bytes[0]) &* ones
        let firstMask = UInt64(masks[0]) &* ones
        let lastStart = length &- size
        var offset = 0
        while offset &+ 8 <= length {
            let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let difference = (word | firstMask) ^ first
            // The lowest flagged byte is exact; those above it may be false alarms, which the comparison rejects.
            var found = (difference &- ones) & ~difference & (ones &* 0x80)
            while found != 0 {
                let candidate = offset &+ found.trailingZeroBitCount / 8
                if candidate > lastStart { return false }
                if matches(at: candidate, in: base) { return true }
                found &= found &- 1
            }
            offset &+= 8
        }
        while offset <= lastStart {
            if base[offset] | masks[0] == bytes[0] && matches(at: offset, in: base) { return true }
            offset &+= 1
        }
        return false
    }

    /// Whether the literal stands at its place in `input`.
    func search(_ input: UnsafeRawBufferPointer) -> Bool {
        let length = input.count
        guard length >= size else { return false }
        guard size > 0 else {
            switch place {
            case .anywhere, .prefix, .suffix: return true
            case .whole(let newline): return length == 0 || (newline && length == 1 && input[0] == 0x0A)
            }
        }
        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        switch place {
        case .anywhere:
            return searchAnywhere(base, length)
        case .prefix:
            return matches(at: 0, in: base)
        case .suffix(let newline):
            if matches(at: length &- size, in: base) { return true }
            return newline && length > size && base[length &- 1] == 0x0A && matches(at: length &- size &- 1, in: base)
        case .whole(let newline):
            if length == size { return matches(at: 0, in: base) }
            return newline && length == size &+ 1 && base[size] == 0x0A && matches(at: 0, in: base)
        }
    }
}
