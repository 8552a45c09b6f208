/// DNAME (RFC 6672 §2.1): the target of a subtree redirection, presented as `example.net.`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                    TARGET                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// RFC 6672 forbids compressing TARGET, but servers that followed RFC 2672 did compress it, so a pointer is
/// accepted.
enum DNAMERData: SingleNameFormat {}
