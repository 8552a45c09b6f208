// swift-tools-version: 6.1
// Micro-benchmarks of Sonde's hot paths (ordo-one/benchmark). Its own package, so the tests never build it:
//   cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "SondeBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // `Sonde` is a link to the repository root, so the dependency has the same name whatever the clone is called.
        .package(path: "Sonde"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SondeDNS", package: "Sonde"),
                .product(name: "SondePacket", package: "Sonde"),
                .product(name: "SondeCore", package: "Sonde"),
                .product(name: "SondeTransforms", package: "Sonde"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
