/// DHCID (RFC 4701 §3.1): a DHCP client identity digest, presented in base64.
///
/// ```
///     < 2 octets >    Identifier type code
///     < 1 octet >     Digest type code
///     < n octets >    Digest (length depends on digest type)
/// ```
/// Three octets at least (type codes and a non-empty digest), as RFC 4701 §3.5 requires.
enum DHCIDRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length >= 3 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendBase64(r.rest(r.start))
    }
}
