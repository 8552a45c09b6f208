#if canImport(Glibc)
import Glibc
import SondeCore

// What a cooked capture (`any`) needs beyond a named interface's: each packet's interface by name, and the inner
// VLAN tag the kernel may leave in front of the IP header.

extension LiveCaptureInput {
    /// Whether a cooked frame starts with an 802.1Q tag (TCI, then the EtherType) rather than its IP header. With two
    /// tags the kernel takes the outer one into the metadata and leaves the inner one in the data, and it may give the
    /// protocol as the tag's (0x8100) or already as IP's (seen with 802.1ad outside 802.1Q): then the data is an IP
    /// header only if it looks like one (version, header length, a total length within the packet).
    static func startsWithInnerTag(_ frame: UnsafeRawBufferPointer, etherType: UInt16, wireLength: Int) -> Bool {
        guard frame.count >= 24 else { return false }
        if DNSFilterProgram.vlanTPIDs.contains(UInt32(etherType)) { return true }
        let first = frame.load(fromByteOffset: 0, as: UInt8.self)
        let inner = UInt16(bigEndian: frame.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let innerVersion = frame.load(fromByteOffset: 4, as: UInt8.self) >> 4
        switch etherType {
        case 0x0800:
            let looksIPv4 = first >> 4 == 4 && first & 0x0F >= 5 && Int(inner) <= wireLength
            return !looksIPv4 && ((inner == 0x0800 && innerVersion == 4) || (inner == 0x86DD && innerVersion == 6))
        case 0x86DD:
            let payload = Int(UInt16(bigEndian: frame.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
            let looksIPv6 = first >> 4 == 6 && payload + 40 <= wireLength
            return !looksIPv6 && ((inner == 0x0800 && innerVersion == 4) || (inner == 0x86DD && innerVersion == 6))
        default:
            return false
        }
    }
}

/// Interface indexes of a cooked capture (`sll_ifindex`) to ``InterfaceNames`` indexes, looked up by name once per
/// interface (per capture thread), the last one kept at hand.
struct InterfaceIndexCache {
    var known: [Int32: UInt16] = [:]
    var lastKernelIndex: Int32 = -1
    var lastIndex: UInt16 = 0

    @inline(__always)
    mutating func index(of kernelIndex: Int32) -> UInt16 {
        if kernelIndex == lastKernelIndex { return lastIndex }
        let index = known[kernelIndex] ?? lookUp(kernelIndex)
        lastKernelIndex = kernelIndex
        lastIndex = index
        return index
    }

    mutating func lookUp(_ kernelIndex: Int32) -> UInt16 {
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        // An interface gone already: named by its number, as `ip link` would have.
        let text = kernelIndex > 0 && if_indextoname(UInt32(kernelIndex), &name) != nil ? String(cString: name) : "if\(kernelIndex)"
        let index = InterfaceNames.index(of: text)
        // A full table stays 0 for this interface; a bounded number of kernel indexes is remembered.
        if known.count < 2 * InterfaceNames.capacity { known[kernelIndex] = index }
        return index
    }
}
#endif
