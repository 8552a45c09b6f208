/// NS (RFC 1035 §3.3.11): an authoritative name server, presented as `ns1.example.com.`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   NSDNAME                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// The name may be compressed (an RFC 1035 type).
enum NSRData: SingleNameFormat {}
