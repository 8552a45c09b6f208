/// One option in the RDATA of an OPT record (RFC 6891 §6.1.2).
///
/// ```
///                 +0 (MSB)                            +1 (LSB)
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///   0: |                          OPTION-CODE                          |
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///   2: |                         OPTION-LENGTH                         |
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///   4: |                                                               |
///      /                          OPTION-DATA                          /
///      /                                                               /
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
/// ```
public struct EDNSOption: Sendable, Hashable {
    /// OPTION-CODE (3 NSID, 8 Client Subnet, 10 COOKIE, 12 Padding, 15 Extended DNS Error, ...).
    public var code: UInt16
    /// OPTION-DATA, opaque; OPTION-LENGTH is its count.
    public var data: [UInt8]

    /// Creates an option.
    public init(code: UInt16, data: [UInt8] = []) {
        self.code = code
        self.data = data
    }
}
