import SondeCore
import SondeOutputs
import SondeTransforms

/// Every output and transform this build knows: one line each. Adding a component is its folder and its line here.
enum Registry {
    static let outputs: [any OutputComponent.Type] = [
        StdoutOutput.self,
        DnstapOutput.self,
        FileOutput.self,
    ]

    static let transforms: [any TransformComponent.Type] = [
        FilterTransform.self,
        DomainsTransform.self,
        SampleTransform.self,
        TagsTransform.self,
        SuspiciousTransform.self,
        PrivacyTransform.self,
        NormalizeTransform.self,
        GeoIPTransform.self,
    ]

    static func output(kind: String) -> (any OutputComponent.Type)? { outputs.first { $0.kind == kind } }
    static func transform(kind: String) -> (any TransformComponent.Type)? { transforms.first { $0.kind == kind } }
    static func output(scheme: String) -> (any OutputComponent.Type)? { outputs.first { $0.schemes.contains(scheme) } }
}
