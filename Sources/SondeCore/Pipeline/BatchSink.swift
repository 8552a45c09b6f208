/// Where live inputs hand their batches: one sink serves every connection of every input, from any thread.
///
/// `consume` is called once per socket read or per full batch, never per event; it returns when the batch has
/// been handed to the outputs, so a slow output slows the readers (TCP flow control then slows the senders)
/// instead of growing a queue without bound.
public protocol BatchSink: AnyObject, Sendable {
    /// Takes the events of `batch`; the caller empties and reuses the batch afterwards.
    func consume(_ batch: borrowing EventBatch)
}
