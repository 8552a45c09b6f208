import Atomics
import SondeDNS

/// Everything between the inputs and the stores: the global transforms, then for each output its own filters and
/// transforms, its encoder and its worker.
///
/// Inputs never share a lock to get their events out: every producer thread (a capture thread, a dnstap
/// connection, the file reader) gets a ``PipelineProducer`` of its own, which runs the transforms and encodes on
/// that thread; only finished bytes cross to an output's worker, through its bounded queue.
public final class Pipeline: Sendable {
    /// A transform in the pipeline, with what it has dropped.
    public final class Stage: Sendable {
        public let kind: String
        public let component: any TransformComponent
        let droppedCounter = ManagedAtomic<UInt64>(0)
        /// Events this transform has left out (filters).
        public var dropped: UInt64 { droppedCounter.load(ordering: .relaxed) }

        public init(kind: String, component: any TransformComponent) {
            self.kind = kind
            self.component = component
        }
    }

    /// An output with its own stages.
    public final class Output: Sendable {
        public let name: String
        public let kind: String
        public let component: any OutputComponent
        public let stages: [Stage]
        public let worker: OutputWorker

        public init(name: String, component: any OutputComponent, stages: [Stage], worker: OutputWorker) {
            self.name = name
            kind = type(of: component).kind
            self.component = component
            self.stages = stages
            self.worker = worker
        }
    }

    /// Transforms applied once, before the events fan out.
    public let global: [Stage]
    public let outputs: [Output]
    /// Where SIGHUP and timed reloads are registered.
    public let reloads: ReloadHub
    /// Counts every event that enters, before any transform (live statistics and the end-of-run report), when
    /// wanted: each producer into its own shard, so producers never wait for each other.
    public let stats: StatsStore?
    /// The live event tail of the API: the events after the global transforms, to whoever subscribes.
    public let tail: EventTail
    let eventCounter = ManagedAtomic<UInt64>(0)

    public init(global: [Stage], outputs: [Output], reloads: ReloadHub, stats: StatsStore?, tail: EventTail = EventTail()) {
        self.global = global
        self.outputs = outputs
        self.reloads = reloads
        self.stats = stats
        self.tail = tail
    }

    /// Events that entered the pipeline.
    public var events: UInt64 { eventCounter.load(ordering: .relaxed) }

    /// Starts every output's worker and the reload thread.
    public func start() throws {
        for o in outputs { try o.worker.start() }
        try reloads.start()
    }

    /// A producer for one thread.
    public func makeProducer() -> PipelineProducer { PipelineProducer(self) }

    /// Whether every output's reader has gone (`| head`): the run may end.
    public var allGone: Bool { !outputs.isEmpty && outputs.allSatisfy { $0.worker.isGone } }

    /// Producers waiting for room give up at `deadline`: call before stopping the inputs.
    public func beginShutdown(deadline: Double) {
        for o in outputs { o.worker.beginShutdown(deadline: deadline) }
    }

    /// Writes out and closes every output (each waits at most until `deadline`, monotonic seconds). All are told
    /// first and then waited for: one by one, a stuck output would leave those after it no time at all.
    public func finish(deadline: Double) {
        reloads.stop()
        for o in outputs { o.worker.requestFinish(deadline: deadline) }
        for o in outputs { o.worker.finish(deadline: deadline) }
    }

    /// SIGHUP: outputs reopen, transforms reload.
    public func reload() {
        for o in outputs { o.worker.requestReopen() }
        reloads.reload()
    }
}

/// One thread's way into the pipeline. Not thread-safe: each producer thread (or connection) has its own.
public final class PipelineProducer {
    let pipeline: Pipeline
    var globalStages: [any EventStage]
    let globalScratch = RowScratch()
    let routes: [Route]
    let stats: StatsShard?
    /// Made when someone first tails the events through this producer.
    var tailRoute: TailRoute?

    init(_ pipeline: Pipeline) {
        self.pipeline = pipeline
        stats = pipeline.stats?.makeShard()
        globalStages = pipeline.global.map { $0.component.makeStage() }
        routes = pipeline.outputs.map { Route($0) }
    }

    /// Runs `batch` through the pipeline: the statistics, the global stage, and every output's stages and encoder.
    /// The global stage may drop or change the batch's events: empty the batch afterwards.
    public func consume(_ batch: inout EventBatch) {
        guard !batch.isEmpty else { return }
        pipeline.eventCounter.wrappingIncrement(by: UInt64(batch.count), ordering: .relaxed)
        stats?.add(batch)
        let identity = batch.identityEscaped
        identity.withUnsafeBytes { identity in
            var rows = EventRows(batch: batch, identity: identity, scratch: globalScratch)
            for i in globalStages.indices {
                let before = rows.count
                globalStages[i].apply(&rows)
                if rows.count != before {
                    pipeline.global[i].droppedCounter.wrappingIncrement(by: UInt64(before - rows.count), ordering: .relaxed)
                }
            }
            // What outputs see before their own filters; one atomic load when nobody tails.
            if pipeline.tail.isActive {
                if tailRoute == nil { tailRoute = TailRoute() }
                tailRoute.unsafelyUnwrapped.run(rows, tail: pipeline.tail)
            }
            for route in routes { route.run(rows) }
        }
    }
}

/// One output as seen by one producer: its stages, its encoder, its scratch and its chunk buffer.
final class Route {
    let output: Pipeline.Output
    var stages: [any EventStage]
    var encoder: any EventEncoder
    let scratch = RowScratch()
    var buffer = OutputBuffer(capacity: 1 << 12)
    var sink: ChunkSink

    init(_ output: Pipeline.Output) {
        self.output = output
        stages = output.stages.map { $0.component.makeStage() }
        encoder = output.component.makeEncoder()
        sink = ChunkSink(worker: output.worker)
    }

    func run(_ shared: EventRows) {
        var rows = EventRows(sharing: shared, scratch: scratch)
        let incoming = rows.count
        for i in stages.indices where rows.count > 0 {
            let before = rows.count
            stages[i].apply(&rows)
            if rows.count != before {
                output.stages[i].droppedCounter.wrappingIncrement(by: UInt64(before - rows.count), ordering: .relaxed)
            }
        }
        guard output.worker.admit(incoming: incoming, selected: rows.count) else { return }
        encoder.encode(rows, into: &buffer, sink: &sink)
        sink.end(&buffer, admitted: rows.count)
    }
}
