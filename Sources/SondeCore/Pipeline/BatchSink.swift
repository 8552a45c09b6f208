/// Where live inputs hand their batches: it gives every producer thread (a capture thread, a dnstap connection)
/// a consumer of its own, so producers never share a lock to get their events out.
public protocol BatchSink: AnyObject, Sendable {
    /// A consumer for one thread or connection; it is used from there only.
    func makeConsumer() -> any BatchConsumer
}

/// One producer's way in: takes whole batches, never single events.
///
/// `consume` returns when the batch has been encoded and handed to every output's queue (or dropped for an
/// output whose policy drops when full); with policy `block` a full queue makes it wait, so a slow output slows
/// the readers (TCP flow control then slows the senders) instead of growing a queue without bound.
public protocol BatchConsumer: AnyObject {
    /// Takes the events of `batch`; it may drop or change them (global filters): the caller empties the batch
    /// afterwards.
    func consume(_ batch: inout EventBatch)
}

extension Pipeline: BatchSink {
    public func makeConsumer() -> any BatchConsumer { makeProducer() }
}

extension PipelineProducer: BatchConsumer {}
