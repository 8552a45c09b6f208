// swift-tools-version: 6.1
import PackageDescription

// One libFuzzer target per untrusted input. `run.sh` builds them with `-sanitize=fuzzer,address` and
// `-DSONDE_LIBFUZZER`; built plainly (`swift build`), each target is a replay tool that runs the check on the
// files named on its command line, which is handy under a debugger.
//
// The check bodies live in the main package's test files (Tests/*/FuzzRegressionTests.swift), which replay the
// committed seeds and crashers; the targets here reach them through symbolic links, so both compile the same text.
// The test targets here compile those files once more outside the fuzz build, as the main package does, and
// replay FuzzTCPReassembly's inputs (Checks/TCPReassemblyCheck.swift) until the main suite carries that check too.

let sondeDNS = Target.Dependency.product(name: "SondeDNS", package: "Sonde")
let sondePacket = Target.Dependency.product(name: "SondePacket", package: "Sonde")
let sondeFrameStreams = Target.Dependency.product(name: "SondeFrameStreams", package: "Sonde")
let sondeDnstap = Target.Dependency.product(name: "SondeDnstap", package: "Sonde")
let sondeTransforms = Target.Dependency.product(name: "SondeTransforms", package: "Sonde")
let fuzzTarget: [SwiftSetting] = [.define("SONDE_FUZZ_TARGET")]

let package = Package(
    name: "SondeFuzzTesting",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Sonde", path: "..")
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver, which each target's main calls.
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(name: "FuzzDNSMessage", dependencies: [sondeDNS, "FuzzSupport"], swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzPacket", dependencies: [sondeDNS, sondePacket, "FuzzSupport"], swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzCaptureFile", dependencies: [sondeDNS, sondePacket, "FuzzSupport"], swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzTCPReassembly", dependencies: [sondeDNS, sondePacket, "FuzzSupport"], swiftSettings: fuzzTarget),
        .executableTarget(
            name: "FuzzDnstap", dependencies: [sondeDNS, sondeFrameStreams, sondeDnstap, "FuzzSupport"], swiftSettings: fuzzTarget
        ),

        .executableTarget(name: "FuzzMaxMindDB", dependencies: [sondeTransforms, "FuzzSupport"], swiftSettings: fuzzTarget),

        .testTarget(name: "ReplayDNSTests", dependencies: [sondeDNS]),
        .testTarget(name: "ReplayPacketTests", dependencies: [sondePacket]),
        .testTarget(name: "ReplayReassemblyTests", dependencies: [sondePacket]),
        .testTarget(name: "ReplayDnstapTests", dependencies: [sondeDNS, sondeFrameStreams, sondeDnstap]),
    ]
)

// The main package's strict settings, so that the shared files compile here as they do there.
for target in package.targets where target.name != "CLibFuzzer" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
