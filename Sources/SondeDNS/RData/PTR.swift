/// PTR (RFC 1035 §3.3.12): a pointer to another name, presented as `host.example.com.`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   PTRDNAME                    /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// The name may be compressed (an RFC 1035 type).
enum PTRRData: SingleNameFormat {}
