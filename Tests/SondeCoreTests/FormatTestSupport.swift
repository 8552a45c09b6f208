import SondeCore
import SondeDNS

/// The batch in JSON from the hand-written writer (`BatchFormatter`), starting from a buffer of `capacity` bytes so
/// that its growth is exercised too.
func handWrittenJSON(_ batch: borrowing EventBatch, capacity: Int = 1 << 16) -> String {
    var formatter = BatchFormatter(format: .json)
    var out = OutputBuffer(capacity: capacity)
    formatter.write(batch, into: &out)
    return out.makeString()
}

/// The batch in JSON from the generic serializer (`EventSerializer` with a `JSONEmitter`): the reference the
/// hand-written writer must equal byte for byte.
func genericJSON(_ batch: borrowing EventBatch) -> String {
    var out = OutputBuffer()
    var context = FormatContext()
    var emitter = JSONEmitter()
    batch.identityEscaped.withUnsafeBytes { identity in
        batch.forEach { e, m in
            EventSerializer.write(e, message: m, identity: identity, context: &context, emitter: &emitter, into: &out)
        }
    }
    return out.makeString()
}
