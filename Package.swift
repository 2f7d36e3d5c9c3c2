// swift-tools-version:6.0
// ictu — urban thermal comfort (ICTU) engine. Linux first (Debian 12, Swift 6); the code uses Swift 6's
// Synchronization (Mutex) and InlineArray, and GDAL, PROJ, GEOS, SQLite and libdeflate from the system.
// Layers, lowest first; a target imports only targets listed before it (docs/architecture.md):
//   CGDAL/CPROJ/CGEOS/CSQLite/CDeflate/CZstd (system C libraries) → Support (outputs, JSON, progress, spelling)
//   → Grid (pure Swift planes, kernels) → GeoIO (the only code touching C pointers; rasters on the grid)
//   → Model (physics, sensors, QC) → City (manifest, loading) → Run (the run folder) → Reports (HTML pages, maps, colour ramps)
//   → Engine (compute, explain, mosaic) → Sample, Tiles, Diagnosis, Scenario, Watering (one product each)
//   → Server (HTTP API and viewer) → ictu (CLI front end).
import PackageDescription

// The kernels run per cell and per hour: even the test build optimises them, so the end-to-end tests on a
// sample city take seconds, not minutes (testability is kept; debug info too).
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ictu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ictu", targets: ["ictu"]),
        .executable(name: "ictu-fuzz", targets: ["IctuFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "Support", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: optimisedEvenInDebug),
        .target(name: "Grid", swiftSettings: optimisedEvenInDebug),
        .target(name: "GeoIO", dependencies: ["CGDAL", "CPROJ", "CGEOS", "CSQLite", "CDeflate", "CZstd", "Grid"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Model", dependencies: ["Grid"], swiftSettings: optimisedEvenInDebug),
        .target(name: "City", dependencies: ["GeoIO", "Grid", "Model", "Support", .product(name: "Yams", package: "Yams")], swiftSettings: optimisedEvenInDebug),
        .target(name: "Run", dependencies: ["GeoIO", "Grid", "Model", "City", "Support"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Reports", dependencies: ["Grid", "Model", "City", "Support"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Styles", dependencies: ["GeoIO", "City", "Model", "Run", "Reports", "Support"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Engine", dependencies: ["GeoIO", "Grid", "Model", "City", "Support", "Run", "Reports", "Styles"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Sample", dependencies: ["GeoIO", "Grid", "Model", "City", "Support"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Tiles", dependencies: ["GeoIO", "Grid", "Model", "Support", "Run", "Reports", "Styles", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: optimisedEvenInDebug),
        .target(name: "Diagnosis", dependencies: ["GeoIO", "Grid", "Model", "City", "Support", "Run", "Reports"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Scenario", dependencies: ["GeoIO", "Grid", "Model", "City", "Support", "Run", "Reports", "Styles", "Engine", "Diagnosis"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Watering", dependencies: ["GeoIO", "Grid", "Model", "City", "Support", "Run", "Engine", "Diagnosis"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Server", dependencies: ["GeoIO", "Grid", "Model", "City", "Reports", "Support", "Run", "Engine", "Tiles", "Scenario", .product(name: "Hummingbird", package: "hummingbird"),
                                      .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                                      .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                                      .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "ictu", dependencies: ["GeoIO", "Model", "City", "Support", "Run", "Reports", "Styles", "Engine", "Sample", "Tiles", "Diagnosis", "Scenario", "Watering", "Server", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // libFuzzer targets for the parsers of untrusted text (Fuzz/run.sh); a replay tool otherwise.
        .executableTarget(name: "IctuFuzz", dependencies: ["Grid", "Model", "City", "Scenario"], swiftSettings: optimisedEvenInDebug),
        // What the test targets share: temporary files, the fixture city, the sample run, the CLI and server as processes.
        .target(name: "TestFixtures", dependencies: ["GeoIO", "City", "Support", "Run", "Engine", "Sample"], path: "Tests/TestFixtures"),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO"]),
        .testTarget(name: "GridTests", dependencies: ["Grid"]),
        .testTarget(name: "ModelTests", dependencies: ["Grid", "Model"]),
        .testTarget(name: "CityTests", dependencies: ["GeoIO", "Grid", "Model", "City", "TestFixtures"]),
        .testTarget(name: "SampleTests", dependencies: ["City", "TestFixtures"]),
        .testTarget(name: "EngineTests", dependencies: ["GeoIO", "Grid", "Model", "City", "Support", "Run", "Reports", "Styles", "Engine", "Tiles", "Diagnosis", "Scenario", "Watering", "TestFixtures"]),
        .testTarget(name: "TilesTests", dependencies: ["GeoIO", "Grid", "Run", "Reports", "Tiles", "TestFixtures"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["GeoIO", "Grid", "Model", "City", "Run", "Tiles", "Diagnosis", "TestFixtures"]),
        .testTarget(name: "ScenarioTests", dependencies: ["GeoIO", "Grid", "Model", "Support", "Run", "Sample", "Tiles", "Scenario", "TestFixtures"]),
        .testTarget(name: "WateringTests", dependencies: ["GeoIO", "Grid", "Model", "Run", "Engine", "Diagnosis", "Watering", "TestFixtures"]),
        .testTarget(name: "ServerTests", dependencies: ["GeoIO", "City", "Run", "Engine", "Tiles", "Diagnosis", "Watering", "Server", "TestFixtures"]),
        .testTarget(name: "DeploymentTests", dependencies: ["GeoIO", "Support", "Run", "TestFixtures", .product(name: "Yams", package: "Yams")]),
    ]
)
