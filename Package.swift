// swift-tools-version:6.0
// ictu — urban thermal comfort (ICTU) engine.
// Layers, lowest first; a target never imports one above it:
//   CGDAL/CPROJ/CGEOS/CSQLite/CDeflate (system C libraries) → GeoIO (the only code touching C pointers)
//   → Grid (pure Swift planes, kernels) → Model (physics, sensors, QC) → City (manifest, loading)
//   → Products (sample city, run outputs, tiles) → Server (HTTP API and viewer) → ictu (CLI front end).
import PackageDescription

// The kernels run per cell and per hour: even the test build optimises them, so the end-to-end tests on a
// sample city take seconds, not minutes (testability is kept; debug info too).
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ictu",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ictu", targets: ["ictu"]),
        .executable(name: "ictu-fuzz", targets: ["IctuFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .target(name: "GeoIO", dependencies: ["CGDAL", "CPROJ", "CGEOS", "CSQLite", "CDeflate"], swiftSettings: optimisedEvenInDebug),
        .target(name: "Grid", swiftSettings: optimisedEvenInDebug),
        .target(name: "Model", dependencies: ["Grid"], swiftSettings: optimisedEvenInDebug),
        .target(name: "City", dependencies: ["GeoIO", "Grid", "Model", .product(name: "Yams", package: "Yams")], swiftSettings: optimisedEvenInDebug),
        .target(name: "Products", dependencies: ["GeoIO", "Grid", "Model", "City", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: optimisedEvenInDebug),
        .target(name: "Server", dependencies: ["Products", "GeoIO", "Model", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(name: "ictu", dependencies: [
            "Products", "City", "Model", "Server", "GeoIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer targets for the parsers of untrusted text (Fuzz/run.sh); a replay tool otherwise.
        .executableTarget(name: "IctuFuzz", dependencies: ["City", "Products", "Grid", "Model"], swiftSettings: optimisedEvenInDebug),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO"]),
        .testTarget(name: "GridTests", dependencies: ["Grid"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "CityTests", dependencies: ["City", "Products", "GeoIO", "Model", "Server", .product(name: "Yams", package: "Yams")]),
    ]
)
