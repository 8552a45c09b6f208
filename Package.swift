// swift-tools-version: 6.1
import PackageDescription

/// The network stack of the socket inputs and outputs.
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
]

let package = Package(
    name: "Sonde",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sonde", targets: ["sonde"]),
        .library(name: "SondeDNS", targets: ["SondeDNS"]),
        .library(name: "SondePacket", targets: ["SondePacket"]),
        .library(name: "SondeCore", targets: ["SondeCore"]),
        .library(name: "SondeFrameStreams", targets: ["SondeFrameStreams"]),
        .library(name: "SondeDnstap", targets: ["SondeDnstap"]),
        .library(name: "SondeTransforms", targets: ["SondeTransforms"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        // Wire modules: they know nothing of Sonde.
        .target(name: "SondeDNS"),
        .target(name: "SondePacket"),
        .target(name: "SondeFrameStreams"),
        .target(name: "SondeDnstap", dependencies: ["SondeDNS"]),
        // Compression codecs, loaded at run time (rotated files, compressed captures).
        .target(name: "SondeCompression"),
        // The pipeline: events, batches, formats, configuration, the component registry.
        .target(
            name: "SondeCore",
            dependencies: [
                "SondeDNS", "SondePacket", "SondeDnstap", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "SondeInputs",
            dependencies: [
                "SondeCore", "SondeDNS", "SondePacket", "SondeFrameStreams", "SondeDnstap", "SondeTransforms",
                .product(name: "Atomics", package: "swift-atomics"),
            ] + nio
        ),
        .target(
            name: "SondeTransforms",
            dependencies: [
                "SondeCore", "SondeDNS", "SondePacket", "SondeDnstap", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SondeOutputs",
            dependencies: ["SondeCore", "SondeDNS", "SondeFrameStreams", "SondeDnstap", "SondeCompression"] + nio
        ),
        // The API, /metrics (Prometheus) and the dashboard, on Hummingbird.
        .target(
            name: "SondeHTTP",
            dependencies: [
                "SondeCore", "SondeDNS", "SondeDnstap", .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Histogram", package: "hdrhistogram-swift"),
            ] + nio
        ),
        // The executable parses arguments and calls the builder in SondeApp, which tests call too.
        .target(
            name: "SondeApp",
            dependencies: [
                "SondeCore", "SondeInputs", "SondeTransforms", "SondeOutputs", "SondeHTTP",
                .product(name: "Logging", package: "swift-log"), .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ] + nio
        ),
        .executableTarget(
            name: "sonde",
            dependencies: ["SondeApp", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "SondeDNSTests", dependencies: ["SondeDNS"]),
        .testTarget(name: "SondeDNSPresentationTests", dependencies: ["SondeDNS"]),
        .testTarget(name: "SondePacketTests", dependencies: ["SondePacket"]),
        .testTarget(name: "SondePacketReassemblyTests", dependencies: ["SondePacket"]),
        .testTarget(name: "SondeFrameStreamsTests", dependencies: ["SondeFrameStreams"]),
        .testTarget(name: "SondeDnstapTests", dependencies: ["SondeDnstap", "SondeFrameStreams", "SondeDNS"]),
        .testTarget(name: "SondeInputsTests", dependencies: ["SondeInputs", "SondeCore", "SondePacket"]),
        .testTarget(
            name: "SondeHTTPTests",
            dependencies: [
                "SondeHTTP", "SondeCore", "SondeDNS", "SondePacket", "SondeTransforms", .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ] + nio
        ),
        .testTarget(
            name: "SondeTransformsTests",
            dependencies: [
                "SondeTransforms", "SondeCore", "SondeDNS", "SondePacket", "SondeDnstap",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                // The transforms' warnings (a list that fails to reload) are read back through a log handler.
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Resources"]
        ),
        .testTarget(name: "SondeCompressionTests", dependencies: ["SondeCompression"]),
        .testTarget(name: "SondeOutputsTests", dependencies: ["SondeOutputs", "SondeCore", "SondeDNS"]),
        .testTarget(
            name: "SondeCoreTests",
            dependencies: ["SondeCore", "SondeDNS", "SondePacket", "SondeInputs", .product(name: "Yams", package: "Yams"), .product(name: "Histogram", package: "hdrhistogram-swift")],
            exclude: ["Resources"]
        ),
        // Runs the built binary against real software; scripts/test.sh installs it.
        .testTarget(name: "IntegrationTests", dependencies: ["sonde", "SondeFrameStreams", "SondeDnstap", "SondeDNS"]),
        .testTarget(
            name: "SondeAppTests",
            dependencies: [
                "SondeApp", "sonde", "SondeCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
