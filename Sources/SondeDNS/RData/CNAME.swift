/// CNAME (RFC 1035 §3.3.1): the canonical name of an alias, presented as `target.example.com.`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                     CNAME                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// The name may be compressed (an RFC 1035 type).
enum CNAMERData: SingleNameFormat {}
