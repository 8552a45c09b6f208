public import SondeCore

/// Builds the pipeline from the configuration: global transforms, then each output with its queue, filters and
/// transforms, each component reading its own settings through the registry. `sonde config check` runs the same
/// reading without starting anything.
public enum PipelineBuilder {
    /// Settings every output has besides its own.
    static let queueKeys = ["queue_size", "queue_bytes", "policy", "transforms"]

    /// The output a `--output URL` stands for, as settings (`stdout:json`, `file:///x.jsonl?format=json`, ...).
    public static func outputSettings(fromURL text: String) throws(SondeError) -> SettingValue {
        let url = try ComponentURL(parsing: text)
        guard let type = Registry.output(scheme: url.scheme) else {
            let schemes = Registry.outputs.flatMap { $0.schemes }.joined(separator: ", ")
            throw SondeError("--output \(url.redacted): unknown scheme \"\(url.scheme)\" (known: \(schemes))")
        }
        let pairs = try type.settings(from: url)
        return .mapping([("kind", type.kind)] + pairs, source: "--output \(url.redacted)")
    }

    /// Every problem in the outputs and transforms of `configuration` (none: they can be built).
    public static func check(_ configuration: SondeConfiguration, context: ComponentContext) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        _ = stages(configuration.transforms, path: "transforms", context: context, issues: &issues)
        for (i, value) in configuration.outputs.enumerated() {
            _ = output(value, index: i, context: context, issues: &issues)
        }
        return issues
    }

    /// The pipeline of `configuration`; `withOutputs` false builds none (`--summary`: only the report).
    public static func build(
        _ configuration: SondeConfiguration, context: ComponentContext, stats: StatsStore?, withOutputs: Bool = true
    ) throws -> Pipeline {
        var issues: [ConfigurationIssue] = []
        let global = stages(configuration.transforms, path: "transforms", context: context, issues: &issues)
        var planned: [PlannedOutput] = []
        if withOutputs {
            let configured = configuration.outputs.isEmpty
                ? [SettingValue.mapping([("kind", "stdout")], source: "defaults")] : configuration.outputs
            for (i, value) in configured.enumerated() {
                if let o = output(value, index: i, context: context, issues: &issues) { planned.append(o) }
            }
        }
        if !issues.isEmpty { throw ConfigurationError(issues: issues) }
        for o in planned where o.component.writesMessageBytes {
            if (global + o.stages).contains(where: { $0.component.hidesQuestionName }) {
                throw SondeError(
                    "output \(o.name): a \(o.kind) output writes each DNS message as it came, so privacy's `qname: registered` cannot hide names in it: give that transform to the other outputs only")
            }
        }
        var names: Set<String> = []
        for o in planned where !names.insert(o.name).inserted {
            throw SondeError("two outputs are named \"\(o.name)\": give each its own `name`")
        }
        var outputs: [Pipeline.Output] = []
        for o in planned {
            do {
                try o.component.check()
                let writer = try o.component.makeWriter(context: context)
                let worker = OutputWorker(
                    name: o.name, kind: o.kind, writer: writer, policy: o.policy, capacityEvents: o.capacity,
                    capacityBytes: o.bytes, eventBoundaries: o.component.needsEventBoundaries, log: context.log)
                outputs.append(Pipeline.Output(name: o.name, component: o.component, stages: o.stages, worker: worker))
            } catch {
                throw SondeError("output \(o.name): \(error)")
            }
        }
        return Pipeline(global: global, outputs: outputs, reloads: context.reloads, stats: stats)
    }

    /// An output read from its settings, not yet started.
    struct PlannedOutput {
        var name: String
        var kind: String
        var component: any OutputComponent
        var stages: [Pipeline.Stage]
        var policy: QueuePolicy
        var capacity: Int
        var bytes: Int
    }

    static func output(_ value: SettingValue, index: Int, context: ComponentContext, issues: inout [ConfigurationIssue]) -> PlannedOutput? {
        var s = ComponentSettings(value, path: "outputs[\(index)]")
        let known = Registry.outputs.map { $0.kind }.joined(separator: ", ")
        guard let kind = s.kind else {
            s.report(nil, "missing `kind` (expected \(known))")
            issues += s.issues
            return nil
        }
        guard let type = Registry.output(kind: kind) else {
            s.report("kind", "unknown output kind \"\(kind)\" (expected \(known))")
            issues += s.issues
            return nil
        }
        let name = s.name ?? "\(kind)-\(index)"
        let policy: QueuePolicy = s.choice("policy") ?? .block
        let capacity = s.int("queue_size", 1...100_000_000) ?? 65_536
        let bytes = s.size("queue_bytes", (1 << 20)...(1 << 40)) ?? (64 << 20)
        let stages = stages(s.components("transforms") ?? [], context: context, issues: &issues)
        let component = type.init(settings: &s, context: context)
        s.finish()
        issues += s.issues
        guard let component, s.issues.isEmpty else { return nil }
        return PlannedOutput(name: name, kind: kind, component: component, stages: stages, policy: policy, capacity: capacity, bytes: bytes)
    }

    static func stages(_ values: [SettingValue], path: String, context: ComponentContext, issues: inout [ConfigurationIssue]) -> [Pipeline.Stage] {
        stages(values.enumerated().map { ComponentSettings($1, path: "\(path)[\($0)]") }, context: context, issues: &issues)
    }

    static func stages(_ list: [ComponentSettings], context: ComponentContext, issues: inout [ConfigurationIssue]) -> [Pipeline.Stage] {
        var result: [Pipeline.Stage] = []
        for var s in list {
            let known = Registry.transforms.map { $0.kind }.joined(separator: ", ")
            guard let kind = s.kind else {
                s.report(nil, "missing `kind` (expected \(known))")
                issues += s.issues
                continue
            }
            guard let type = Registry.transform(kind: kind) else {
                s.report("kind", "unknown transform kind \"\(kind)\" (expected \(known))")
                issues += s.issues
                continue
            }
            let component = type.init(settings: &s, context: context)
            s.finish()
            issues += s.issues
            if let component, s.issues.isEmpty { result.append(Pipeline.Stage(kind: kind, component: component)) }
        }
        return result
    }
}
