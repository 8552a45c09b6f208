public import SondeDNS

/// The names the schema gives enum values, as events print them; a value it does not name prints as its number.
public enum DnstapNames {
    /// `Message.Type`: `AUTH_QUERY` (1) … `UPDATE_RESPONSE` (14).
    public static func messageType(_ v: UInt32) -> StaticString? {
        switch v {
        case 1: return "AUTH_QUERY"
        case 2: return "AUTH_RESPONSE"
        case 3: return "RESOLVER_QUERY"
        case 4: return "RESOLVER_RESPONSE"
        case 5: return "CLIENT_QUERY"
        case 6: return "CLIENT_RESPONSE"
        case 7: return "FORWARDER_QUERY"
        case 8: return "FORWARDER_RESPONSE"
        case 9: return "STUB_QUERY"
        case 10: return "STUB_RESPONSE"
        case 11: return "TOOL_QUERY"
        case 12: return "TOOL_RESPONSE"
        case 13: return "UPDATE_QUERY"
        case 14: return "UPDATE_RESPONSE"
        default: return nil
        }
    }

    /// The `Message.Type` value of a name, or nil.
    public static func messageType(named name: String) -> UInt32? {
        (1...14).first { String(describing: messageType(UInt32($0))!) == name }.map(UInt32.init)
    }

    /// `SocketProtocol`: `UDP` (1) … `DOQ` (7).
    public static func socketProtocol(_ v: UInt32) -> StaticString? {
        switch v {
        case 1: return "UDP"
        case 2: return "TCP"
        case 3: return "DOT"
        case 4: return "DOH"
        case 5: return "DNSCryptUDP"
        case 6: return "DNSCryptTCP"
        case 7: return "DOQ"
        default: return nil
        }
    }

    /// `HttpProtocol`: `HTTP1` … `HTTP3`.
    public static func httpProtocol(_ v: UInt32) -> StaticString? {
        switch v {
        case 1: return "HTTP1"
        case 2: return "HTTP2"
        case 3: return "HTTP3"
        default: return nil
        }
    }

    /// `Policy.Action`.
    public static func policyAction(_ v: UInt32) -> StaticString? {
        switch v {
        case 1: return "NXDOMAIN"
        case 2: return "NODATA"
        case 3: return "PASS"
        case 4: return "DROP"
        case 5: return "TRUNCATE"
        case 6: return "LOCAL_DATA"
        default: return nil
        }
    }

    /// `Policy.Match`.
    public static func policyMatch(_ v: UInt32) -> StaticString? {
        switch v {
        case 1: return "QNAME"
        case 2: return "CLIENT_IP"
        case 3: return "RESPONSE_IP"
        case 4: return "NS_NAME"
        case 5: return "NS_IP"
        default: return nil
        }
    }

    /// Writes `name(v)` or, for a value without a name, its number.
    @inlinable
    public static func write(_ v: UInt32, _ name: (UInt32) -> StaticString?, into out: inout OutputBuffer) {
        if let n = name(v) { out.append(n) } else { out.appendDecimal(UInt64(v)) }
    }
}
